Feature: Product
  The product requirements of Team Tracker, as acceptance tests.

  @REQ-notify.channels-1
  Scenario: How are people notified
    Given the product is built as the spec decides in "notify.channels"
    When someone relies on that behaviour
    Then it holds that "How are people notified: Email; In the app."

  @REQ-notify.digest-1
  Scenario: Is there a digest of the week's work
    Given the product is built as the spec decides in "notify.digest"
    When someone relies on that behaviour
    Then it holds that "Is there a digest of the week's work: A weekly email digest."

  @REQ-product.audience-1
  Scenario: Who is the product for
    Given the product is built as the spec decides in "product.audience"
    When someone relies on that behaviour
    Then it holds that "Who is the product for: Small teams of 5 to 50 people."

  @REQ-product.billing-1
  Scenario: How do teams pay
    Given the product is built as the spec decides in "product.billing"
    When someone relies on that behaviour
    Then it holds that "How do teams pay: Per seat per month."

  @REQ-product.platform-1
  Scenario: Where do people use it first
    Given the product is built as the spec decides in "product.platform"
    When someone relies on that behaviour
    Then it holds that "Where do people use it first: Web app in the browser."

  @REQ-tasks.fields-1
  Scenario: Which fields does a task have
    Given the product is built as the spec decides in "tasks.fields"
    When someone relies on that behaviour
    Then it holds that "Which fields does a task have: assignees: many; description: markdown; due_date: optional; labels: many; title: required."

  @REQ-tasks.recurring-1
  Scenario: Can tasks repeat
    Given the product is built as the spec decides in "tasks.recurring"
    When someone relies on that behaviour
    Then it holds that "Can tasks repeat: No."

