Feature: Security
  The security requirements of Team Tracker, as acceptance tests.

  @REQ-auth.mfa-1
  Scenario: Is two-factor authentication offered
    Given the product is built as the spec decides in "auth.mfa"
    When someone relies on that behaviour
    Then it holds that "Is two-factor authentication offered: Optional TOTP."

  @REQ-security.encryption-1
  Scenario: How is data encrypted
    Given the product is built as the spec decides in "security.encryption"
    When someone relies on that behaviour
    Then it holds that "How is data encrypted: In transit and at rest."

