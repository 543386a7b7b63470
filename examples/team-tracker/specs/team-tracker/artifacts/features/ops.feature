Feature: Ops
  The ops requirements of Team Tracker, as acceptance tests.

  @REQ-ops.backups-1
  Scenario: How often is the database backed up
    Given the product is built as the spec decides in "ops.backups"
    When someone relies on that behaviour
    Then it holds that "How often is the database backed up: Point-in-time recovery."

  @REQ-ops.hosting-1
  Scenario: Where does it run
    Given the product is built as the spec decides in "ops.hosting"
    When someone relies on that behaviour
    Then it holds that "Where does it run: A managed container platform."

