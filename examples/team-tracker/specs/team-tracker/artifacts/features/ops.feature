Feature: Ops
  The ops requirements of Team Tracker, as acceptance tests.

  @REQ-ops.backups-1
  Scenario: How often is the database backed up
    Given a production database with data
    When the database is restored to a minute an hour ago
    Then the restored data matches the source at that time

  @REQ-ops.hosting-1
  Scenario: Where does it run
    Given the product is built as the spec decides in "ops.hosting"
    When someone relies on that behaviour
    Then it holds that "Where does it run: A managed container platform."

