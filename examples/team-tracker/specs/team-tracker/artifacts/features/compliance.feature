Feature: Compliance
  The compliance requirements of Team Tracker, as acceptance tests.

  @REQ-compliance.erasure-1
  Scenario: How is a user's data erased on request
    Given a signed-in owner
    When they ask to erase their account
    Then their personal data is deleted and they are signed out

  @REQ-compliance.gdpr-1
  Scenario: Do we serve customers in the EU
    Given the product is built as the spec decides in "compliance.gdpr"
    When someone relies on that behaviour
    Then it holds that "Do we serve customers in the EU: Yes, GDPR applies."

