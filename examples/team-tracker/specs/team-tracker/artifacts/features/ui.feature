Feature: Ui
  The ui requirements of Team Tracker, as acceptance tests.

  @REQ-ui.realtime-1
  Scenario: Do boards update live when a teammate changes a task
    Given the product is built as the spec decides in "ui.realtime"
    When someone relies on that behaviour
    Then it holds that "Do boards update live when a teammate changes a task: Live, within a second."

