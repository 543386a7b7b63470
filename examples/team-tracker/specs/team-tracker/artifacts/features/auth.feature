Feature: Auth
  The auth requirements of Team Tracker, as acceptance tests.

  # REQ-auth.accounts-1: When a signed-in member changes a task or writes a comment, the system shall record their account as the author of that change.
  @REQ-auth.accounts-1
  Scenario: Ana's completion carries her name
    Given ana@example.com is signed in to the workspace "Acme"
    When she marks the task "Ship v1" done
    Then the history of "Ship v1" shows "done, by ana@example.com"

  @REQ-auth.accounts-1 @edge-case
  Scenario: A visitor without a session sees nothing
    When someone with no session opens /projects
    Then they are sent to /sign-in
    And the response holds no project name

  # REQ-auth.method-1: The system shall rotate the session token at every sign-in and at every change of privilege, and refuse session cookies sent from another site for any write.
  @REQ-auth.method-1
  Scenario: A fixed session id does not survive sign-in
    Given an attacker planted the session cookie "abc" in Ben's browser
    When ben@example.com signs in
    Then his session token is no longer "abc"
    And a request with "abc" gets 401

  # REQ-auth.method-2: When a person submits their email address on the sign-in page, the system shall email a single-use sign-in link that expires after 15 minutes.
  @REQ-auth.method-2
  Scenario: Ana signs in with a link from her email
    Given ana@example.com is a member of the workspace "Acme"
    When ana@example.com asks for a sign-in link at 10:00
    And she opens the link at 10:05
    Then she is signed in to "Acme"
    And the link no longer works

  @REQ-auth.method-2 @edge-case
  Scenario: An expired link is refused
    Given ana@example.com asked for a sign-in link at 10:00
    When she opens the link at 10:16
    Then she sees "This link has expired"
    And no session is created

  @REQ-auth.method-2 @edge-case
  Scenario: A used link is refused
    Given ana@example.com signed in with a link at 10:05
    When the same link is opened again at 10:06
    Then she sees "This link was already used"
    And no second session is created

  # REQ-auth.method-3: If a sign-in link is requested for an address with no account, then the system shall answer exactly as for a known address and send no email.
  @REQ-auth.method-3
  Scenario: Unknown addresses learn nothing
    When someone asks for a sign-in link for nobody@example.com
    Then the page says "Check your inbox"
    And no email is sent
    And the response takes the same 200 status as for a member

  # REQ-auth.method-4: If more than 5 sign-in links are requested for one address within 15 minutes, then the system shall send no further link for that address until the 15 minutes have passed and answer 429.
  @REQ-auth.method-4
  Scenario: Link flooding is stopped
    Given 5 links were requested for ana@example.com since 10:00
    When a 6th link is requested at 10:04
    Then the response is 429 with a Retry-After header
    And ana@example.com receives no 6th email

  # REQ-auth.method-5: When a newer sign-in link is requested for an address, the system shall keep earlier unexpired links of that address valid until they expire or one link is used, after which all of them stop working.
  @REQ-auth.method-5
  Scenario: Using one link voids the others
    Given ana@example.com requested links at 10:00 and 10:02
    When she opens the 10:02 link at 10:03
    Then she is signed in
    And the 10:00 link answers "This link was already used"

  # REQ-auth.signup-1: When an owner invites an email address with a role, the system shall store a single-use invitation that expires after 7 days and email the invitee a link to accept it.
  @REQ-auth.signup-1
  Scenario: Ana invites Ben
    Given ana@example.com owns "Acme"
    When she invites ben@example.com as "member" at 10:00 on 1 March
    Then ben@example.com receives one email "Ana invited you to Acme" with a link
    And /settings/members lists the invitation as pending until 8 March 10:00

  @REQ-auth.signup-1 @edge-case
  Scenario: Inviting an existing member is refused
    Given ben@example.com is already a member of "Acme"
    When ana@example.com invites ben@example.com
    Then the response is 409 with "ben@example.com is already a member"
    And no email is sent

  @REQ-auth.signup-1 @edge-case
  Scenario: A second invitation replaces the first
    Given ben@example.com has a pending invitation to "Acme"
    When ana@example.com invites ben@example.com again
    Then the first link no longer works
    And ben@example.com receives one new email
    And the list shows 1 pending invitation

  @REQ-auth.signup-1 @edge-case
  Scenario: An invalid address is refused
    When ana@example.com invites "ben@"
    Then the response is 400 naming the field "email"

  # REQ-auth.signup-2: When the invitee opens a valid invitation link and signs in or creates an account with the invited address, the system shall add them to the workspace with the invited role and mark the invitation accepted.
  @REQ-auth.signup-2
  Scenario: Ben accepts and joins
    Given ben@example.com has a pending invitation to "Acme" as "member"
    When he opens the link and signs in as ben@example.com
    Then ben@example.com is a member of "Acme"
    And the invitation is accepted
    And ana@example.com sees "Ben joined Acme"

  @REQ-auth.signup-2 @edge-case
  Scenario: An expired invitation is refused
    Given ben's invitation expired on 8 March
    When he opens the link on 9 March
    Then he sees "This invitation has expired; ask Ana for a new one"
    And he is not a member of "Acme"

  @REQ-auth.signup-2 @edge-case
  Scenario: A revoked invitation is refused
    Given ana@example.com revoked ben's invitation
    When ben@example.com opens the link
    Then the response is 410 with "This invitation was withdrawn"

  @REQ-auth.signup-2 @edge-case
  Scenario: An invitation cannot be used by another address
    Given ben@example.com was invited
    When eve@example.org opens ben's link and signs in as eve@example.org
    Then the response is 403 with "This invitation is for ben@example.com"
    And eve@example.org is not a member

  @REQ-auth.signup-2 @edge-case
  Scenario: An invitation works once
    Given ben@example.com accepted his invitation
    When the same link is opened again
    Then the response is 410
    And no second membership is created

  # REQ-auth.signup-3: If a person with no invitation tries to create an account, then the system shall refuse with 403 and the message "You need an invitation to join".
  @REQ-auth.signup-3
  Scenario: Strangers cannot sign up
    When eve@example.org opens /sign-up
    Then the page says "You need an invitation to join"
    And no account is created

  # REQ-auth.signup-4: When an owner revokes a pending invitation, the system shall make its link unusable at once.
  @REQ-auth.signup-4
  Scenario: Ana withdraws an invitation
    Given ben@example.com has a pending invitation
    When ana@example.com revokes it
    Then the response is 204
    And the list shows no pending invitation for ben@example.com

  # REQ-auth.signup-5: If an invitation would give the owner role, then the system shall refuse it with 400 and the message "Invite as a member, then transfer ownership".
  @REQ-auth.signup-5
  Scenario: Nobody is invited as owner
    When ana@example.com invites cleo@example.com as "owner"
    Then the response is 400 with "Invite as a member, then transfer ownership"

  # REQ-auth.signup-6: When an operator runs the workspace creation command with a workspace name and an email address, the system shall create the workspace and invite that address as its owner.
  @REQ-auth.signup-6
  Scenario: The first owner of a new customer is invited by us
    When an operator creates the workspace "Acme" for ana@example.com
    Then ana@example.com receives an invitation to "Acme" as owner
    And she becomes the owner after accepting it

  # REQ-auth.signup-7: When an admin invites an email address, the system shall allow the roles "admin" and "member" only.
  @REQ-auth.signup-7
  Scenario: Cleo, an admin, invites a member
    Given cleo@example.com is an admin of "Acme"
    When she invites dan@example.com as "member"
    Then the response is 201
    And dan@example.com receives the invitation email

  # REQ-auth.signup-8: If a member who is neither owner nor admin tries to invite, list or revoke invitations, then the system shall answer 403.
  @REQ-auth.signup-8
  Scenario: Ben cannot invite
    Given ben@example.com is a member of "Acme"
    When ben@example.com invites dan@example.com
    Then the response is 403
    And no invitation is stored

  # REQ-authz.model-1: If a signed-in member calls an operation their permissions do not allow, then the system shall answer 403 with a message naming the missing permission and log the refusal.
  @REQ-authz.model-1
  Scenario: A refusal names what is missing
    Given ben@example.com may read but not delete records in "Acme"
    When ben@example.com deletes a record
    Then the response is 403 with a message naming the permission "delete records"
    And the record still exists

  # REQ-authz.model-2: The system shall check every operation against one permission matrix of roles by operations, enforced in a single authorisation layer before any handler runs.
  @REQ-authz.model-2
  Scenario: The matrix decides
    Given the matrix lets members create and change records but not delete workspaces
    When ben@example.com (a member) creates a record
    And then calls DELETE /workspace
    Then the create answers 201
    And the delete answers 403

  @REQ-authz.model-2 @edge-case
  Scenario: An operation missing from the matrix is refused
    Given a new operation was added without a matrix entry
    When any member calls it
    Then the response is 403
    And the authorisation test suite fails in CI

  # REQ-authz.model-3: When a member's role changes, the system shall apply the new permissions from that member's next request.
  @REQ-authz.model-3
  Scenario: A demotion takes effect at once
    Given cleo@example.com is an admin of "Acme"
    When ana@example.com changes cleo's role to "member"
    And then cleo@example.com removes ben@example.com
    Then the removal answers 403

