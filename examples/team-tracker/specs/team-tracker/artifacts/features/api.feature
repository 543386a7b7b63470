Feature: API
  The api requirements of Team Tracker, as acceptance tests.

  # REQ-api.auth-1: When a member creates an API token with a name, read or write scope and an expiry of at most 365 days, the system shall show the token once, prefixed "pat_", and store only its SHA-256 hash.
  @REQ-api.auth-1
  Scenario: Ana creates a token for a script
    When ana@example.com creates the token "CI export" with scope "read" expiring in 90 days
    Then the response shows a token starting with "pat_" once
    And the token list shows "CI export" with its first 8 characters only
    And the api_tokens row holds a hash

  @REQ-api.auth-1 @edge-case
  Scenario: An expiry over a year is refused
    When ana@example.com creates a token expiring in 400 days
    Then the response is 400 naming the field "expires_at" with "at most 365 days"

  # REQ-api.auth-2: When a request carries "Authorization Bearer" with a valid, unexpired, unrevoked token, the system shall act as the token's member in the token's workspace within the token's scope.
  @REQ-api.auth-2
  Scenario: A token reads records
    Given ana@example.com has a "read" token for "Acme"
    When a script lists records with that token
    Then the response is 200 with the records of "Acme"

  @REQ-api.auth-2 @edge-case
  Scenario: A read token cannot write
    When the script creates a record with the "read" token
    Then the response is 403 with "This token has read scope only"

  @REQ-api.auth-2 @edge-case
  Scenario: A revoked token stops working at once
    Given ana@example.com revoked the token at 10:00:00
    When a script uses it at 10:00:02
    Then the response is 401

  @REQ-api.auth-2 @edge-case
  Scenario: A removed member's tokens stop working
    Given ben@example.com was removed from "Acme"
    When a script uses Ben's token for "Acme"
    Then the response is 401

  # REQ-api.auth-3: When an API token will expire in 7 days, the system shall email its owner once.
  @REQ-api.auth-3
  Scenario: Ana is warned before her token expires
    Given the token "CI export" expires on 10 May
    When the expiry job runs on 3 May
    Then ana@example.com receives "Your token CI export expires on 10 May"

  # REQ-api.pagination-1: When a client lists records with a limit and an optional cursor, the system shall return up to limit items after the cursor and a next_cursor that is null on the last page, with limit 25 by default and at most 100.
  @REQ-api.pagination-1
  Scenario: Walking a list page by page
    Given "Acme" has 60 records
    When a client lists with limit 25
    And then twice more with each next_cursor
    Then it receives 25
    And 25 and 10 records with no duplicates
    And the last next_cursor is null

  @REQ-api.pagination-1 @edge-case
  Scenario: Inserts do not shift pages
    Given a client fetched the first page of 25
    When 3 records are created
    And then the client fetches the next page with its cursor
    Then no record of the first page appears again

  @REQ-api.pagination-1 @edge-case
  Scenario: A tampered cursor is refused
    When a client sends the cursor "not-a-cursor"
    Then the response is 400 naming the field "cursor"

  # REQ-api.pagination-2: The system shall encode cursors as opaque signed strings of the sort key and id, so that clients cannot build or change them.
  @REQ-api.pagination-2
  Scenario: A cursor from another list is refused
    When a client uses a cursor of the members list on the records list
    Then the response is 400 naming the field "cursor"

  # REQ-api.style-1: The system shall serve the public API under /v1 and publish its OpenAPI 3.1 document at /v1/openapi.json, generated from the same code that serves it.
  @REQ-api.style-1
  Scenario: An integrator generates a client
    When an integrator downloads /v1/openapi.json and generates a TypeScript client
    Then the document validates against OpenAPI 3.1
    And every operation of the API appears in it

  # REQ-api.style-2: If a request fails, then the system shall answer with an application/problem+json body (RFC 9457) holding type, title, status, detail and, for validation errors, the invalid fields.
  @REQ-api.style-2
  Scenario: A validation error has a predictable shape
    When an integrator creates a record without its required "title"
    Then the response is 400 with Content-Type application/problem+json
    And the body lists "title" under "errors"

  # REQ-api.style-3: When a POST request carries an Idempotency-Key header that was used in the last 24 hours, the system shall return the stored response of the first request instead of acting again.
  @REQ-api.style-3
  Scenario: A retried create does not duplicate
    Given an integrator created a record with Idempotency-Key "k-1" at 10:00
    When the same request with "k-1" is retried at 10:01
    Then the response is the same 201 with the same id
    And only 1 record exists

  @REQ-api.style-3 @edge-case
  Scenario: A reused key with another body is refused
    When a request with "k-1" and a different body arrives
    Then the response is 422 with "Idempotency-Key reused with a different request"

  # REQ-api.style-4: When an operation or field is to be removed, the system shall keep it working for 6 months with Deprecation and Sunset headers before removal.
  @REQ-api.style-4
  Scenario: A deprecated field announces its end
    Given the field "done" was deprecated on 1 January
    When an integrator reads a record on 2 January
    Then the response carries a Sunset header of 1 July

