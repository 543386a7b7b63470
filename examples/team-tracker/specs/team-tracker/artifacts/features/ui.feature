Feature: UI
  The ui requirements of Team Tracker, as acceptance tests.

  @REQ-ui.realtime-1
  Scenario: Do boards update live when a teammate changes a task
    Given two members look at the same list
    When one of them changes an item
    Then the other sees the change without reloading

