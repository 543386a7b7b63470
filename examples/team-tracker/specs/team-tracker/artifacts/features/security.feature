Feature: Security
  The security requirements of Team Tracker, as acceptance tests.

  # REQ-auth.mfa-1: When a member starts two-factor enrolment, the system shall show a TOTP secret as a QR code and activate it only after the member enters a valid 6-digit code from the app.
  @REQ-auth.mfa-1
  Scenario: Ana turns on two-factor
    Given ana@example.com has no two-factor
    When she scans the QR code on /settings/security and enters the current 6-digit code
    Then two-factor is active for her account
    And she is shown 10 recovery codes once

  @REQ-auth.mfa-1 @edge-case
  Scenario: A wrong code does not activate two-factor
    When ana@example.com enters "000000" during enrolment
    Then the response is 400 with "That code is not valid"
    And two-factor stays off

  # REQ-auth.mfa-2: While a member has two-factor active, when they complete the first sign-in factor, the system shall ask for a 6-digit TOTP code or a recovery code before creating the session.
  @REQ-auth.mfa-2
  Scenario: Ana signs in with her code
    Given ana@example.com has two-factor active
    When she completes her first factor
    And then enters the code shown by her app
    Then she is signed in

  @REQ-auth.mfa-2 @edge-case
  Scenario: Five wrong codes end the attempt
    When ana@example.com enters 5 wrong codes in a row
    Then the sign-in attempt is cancelled
    And she must start again from /sign-in
    And she receives a "Failed two-factor attempts" email

  @REQ-auth.mfa-2 @edge-case
  Scenario: A code cannot be used twice
    Given ana@example.com signed in with the code "492817" at 10:00:05
    When someone enters "492817" for her account at 10:00:20
    Then the response is 401
    And no session is created

  @REQ-auth.mfa-2 @edge-case
  Scenario: A recovery code works once
    Given ana@example.com lost her phone and has 10 recovery codes
    When she signs in with one recovery code
    And then tries the same recovery code again
    Then the first sign-in succeeds
    And the second is refused
    And she has 9 unused codes

  # REQ-auth.mfa-3: The system shall accept TOTP codes per RFC 6238 with 30-second steps and 6 digits, allowing 1 step of drift either way.
  @REQ-auth.mfa-3
  Scenario: A slightly late code is accepted
    When ana@example.com enters the code of the previous 30-second step
    Then she is signed in

  @REQ-auth.mfa-3 @edge-case
  Scenario: An old code is refused
    When ana@example.com enters the code from 2 minutes ago
    Then the response is 401

  # REQ-auth.mfa-4: The system shall store TOTP secrets encrypted with AES-256-GCM under MFA_ENCRYPTION_KEY and recovery codes only as hashes.
  @REQ-auth.mfa-4
  Scenario: A database dump reveals no secret
    Given ana@example.com has two-factor active
    When an engineer reads her rows in mfa_factors and mfa_recovery_codes
    Then the secret column holds ciphertext
    And no recovery code appears in plain text

  # REQ-auth.mfa-5: When a member turns two-factor off, the system shall require a current code and email the member.
  @REQ-auth.mfa-5
  Scenario: Turning off needs a code and is announced
    When ana@example.com turns two-factor off with a valid code
    Then two-factor is off
    And she receives "Two-factor was turned off"

  # REQ-security.encryption-1: The system shall accept connections only over TLS 1.2 or newer, redirect plain HTTP to HTTPS with 301, and send Strict-Transport-Security with a max-age of 1 year.
  @REQ-security.encryption-1
  Scenario: Plain HTTP is redirected
    When a browser opens http://app.example.com/records
    Then the response is 301 to https://app.example.com/records

  # REQ-security.encryption-2: The system shall store the database, its backups, logs and uploaded files only on storage encrypted with AES-256 under keys held in the cloud provider's key management service.
  @REQ-security.encryption-2
  Scenario: An infrastructure check finds only encrypted storage
    When the infrastructure policy check runs in CI
    Then each database and volume and bucket and backup is reported encrypted with a KMS key
    And the check fails on any unencrypted one

