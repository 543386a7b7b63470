Feature: API
  The api requirements of Team Tracker, as acceptance tests.

  @REQ-api.auth-1
  Scenario: How do API clients authenticate
    Given the product is built as the spec decides in "api.auth"
    When someone relies on that behaviour
    Then it holds that "How do API clients authenticate: Personal access tokens."

  @REQ-api.pagination-1
  Scenario: How are long lists paged
    Given more items than fit on one page
    When a client lists them
    Then the response holds the first page and a cursor for the next

  @REQ-api.style-1
  Scenario: Which public API do we offer
    Given the product is built as the spec decides in "api.style"
    When someone relies on that behaviour
    Then it holds that "Which public API do we offer: REST with OpenAPI."

