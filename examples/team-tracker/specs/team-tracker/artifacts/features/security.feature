Feature: Security
  The security requirements of Team Tracker, as acceptance tests.

  @REQ-auth.mfa-1
  Scenario: Is two-factor authentication offered
    Given a owner who turned on a second factor
    When they sign in with their password only
    Then they are asked for the second factor

  @REQ-security.encryption-1
  Scenario: How is data encrypted
    Given the product is built as the spec decides in "security.encryption"
    When someone relies on that behaviour
    Then it holds that "How is data encrypted: In transit and at rest."

