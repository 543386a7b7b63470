Feature: Deployment
  The deployment requirements of Team Tracker, as acceptance tests.

  @REQ-deploy.strategy-1
  Scenario: How do releases reach users
    Given the product is built as the spec decides in "deploy.strategy"
    When someone relies on that behaviour
    Then it holds that "How do releases reach users: Rolling updates."

