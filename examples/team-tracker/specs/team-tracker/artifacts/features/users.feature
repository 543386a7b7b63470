Feature: Users
  The users requirements of Team Tracker, as acceptance tests.

  @REQ-users.roles-1
  Scenario: Which roles does a team need
    Given the product is built as the spec decides in "users.roles"
    When someone relies on that behaviour
    Then it holds that "Which roles does a team need: Owner, admins and members."

