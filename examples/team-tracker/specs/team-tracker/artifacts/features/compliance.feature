Feature: Compliance
  The compliance requirements of Team Tracker, as acceptance tests.

  # REQ-compliance.erasure-1: When a person's erasure is carried out, the system shall delete their account, sessions, tokens, memberships and consents, and replace their name and email in records and audit events with "Deleted user".
  @REQ-compliance.erasure-1
  Scenario: Nothing identifies Ben after erasure
    Given ben@example.com created 12 records and 40 audit events in "Acme"
    When his erasure is carried out
    Then no table holds ben@example.com
    And the 12 records show "Deleted user" as their creator
    And the 40 audit events show "Deleted user" as actor

  # REQ-compliance.erasure-2: If a backup holding an erased person's data is restored, then the system shall erase that person again before the restored database serves traffic.
  @REQ-compliance.erasure-2
  Scenario: A restore does not bring Ben back
    Given Ben was erased on 5 March
    And a backup from 1 March is restored on 10 March
    When the restore completes
    Then the erasure list is replayed
    And no table of the restored database holds ben@example.com

  # REQ-compliance.erasure-3: When a person confirms account deletion with a sign-in made in the last 10 minutes, the system shall sign them out everywhere at once and carry out the erasure within 24 hours.
  @REQ-compliance.erasure-3
  Scenario: Ben deletes his account
    Given ben@example.com signed in 2 minutes ago
    When he types his email address to confirm and deletes his account at 10:00
    Then every session of ben@example.com ends at 10:00
    And the erasure is carried out before 10:00 the next day
    And he receives "Your account was deleted"

  @REQ-compliance.erasure-3 @edge-case
  Scenario: An old sign-in must be renewed
    Given ben@example.com signed in 3 hours ago
    When he deletes his account
    Then he is asked to sign in again before the deletion goes ahead

  # REQ-compliance.erasure-4: If the person is the only owner of a workspace that has other members, then the system shall refuse the deletion with 409 and name the workspaces whose ownership must be transferred first.
  @REQ-compliance.erasure-4
  Scenario: Ana must hand over Acme first
    Given ana@example.com is the only owner of "Acme"
    And which has 5 other members
    When she deletes her account
    Then the response is 409 with "Transfer ownership of Acme first"
    And her account still exists

  @REQ-compliance.erasure-4 @edge-case
  Scenario: A workspace of one is deleted with its owner
    Given ana@example.com is the only member of "Solo"
    When she deletes her account
    Then "Solo" is closed with her account

  # REQ-compliance.gdpr-1: The system shall keep every database, file and backup holding personal data in an EU region.
  @REQ-compliance.gdpr-1
  Scenario: Every store is in the EU
    When the operator lists the regions of the database, the file storage and the backups
    Then each is eu-west-1 or eu-central-1

  # REQ-compliance.gdpr-2: When a member deletes their account, the system shall replace their name and email on every task and comment with "Deleted member" within 30 days.
  @REQ-compliance.gdpr-2
  Scenario: Ben's comments lose his name
    Given ben@example.com wrote 3 comments in "Acme"
    When Ben deletes his account on 2027-03-01
    Then by 2027-03-31 the 3 comments show "Deleted member" and no page holds ben@example.com

