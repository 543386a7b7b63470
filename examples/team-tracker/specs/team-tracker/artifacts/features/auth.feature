Feature: Auth
  The auth requirements of Team Tracker, as acceptance tests.

  @REQ-auth.accounts-1
  Scenario: Do people have personal accounts
    Given the product is built as the spec decides in "auth.accounts"
    When someone relies on that behaviour
    Then it holds that "Do people have personal accounts: Yes, every user signs in."

  @REQ-auth.method-1
  Scenario: How do people sign in
    Given the product is built as the spec decides in "auth.method"
    When someone relies on that behaviour
    Then it holds that "How do people sign in: Magic link by email."

  @REQ-auth.signup-1
  Scenario: Who can create an account
    Given an owner of a workspace
    When they invite "new@example.com"
    Then that person can create an account from the invitation
    And someone without an invitation cannot create an account

  @REQ-authz.model-1
  Scenario: How are permissions decided
    Given the product is built as the spec decides in "authz.model"
    When someone relies on that behaviour
    Then it holds that "How are permissions decided: Fixed roles per team."

