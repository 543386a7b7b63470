Feature: Users
  The users requirements of Team Tracker, as acceptance tests.

  # REQ-users.roles-1: When a member opens the members page, the system shall list every member of their workspace with name, email, role and the date they joined.
  @REQ-users.roles-1
  Scenario: Ben sees his teammates
    Given "Acme" has the members ana@example.com as owner and ben@example.com
    When ben@example.com opens /settings/members
    Then the list shows 2 people with their roles and join dates

  @REQ-users.roles-1 @edge-case
  Scenario: Other workspaces' members stay hidden
    Given cleo@example.com is a member of "Globex" only
    When ben@example.com lists the members of "Acme"
    Then cleo@example.com is not in the list

  # REQ-users.roles-2: When a member is removed from a workspace, the system shall deny that person's next request to the workspace with 403 and keep the records they created.
  @REQ-users.roles-2
  Scenario: A removed member loses access and their records stay
    Given ben@example.com created 4 records in "Acme"
    When ben@example.com is removed from "Acme"
    And then he opens the records list of "Acme"
    Then he gets 403
    And the 4 records still exist with ben@example.com as their creator

  # REQ-users.roles-3: If the last owner of a workspace tries to leave it or to be removed, then the system shall refuse with 409 and the message "Transfer ownership before leaving".
  @REQ-users.roles-3
  Scenario: The only owner cannot leave
    Given ana@example.com is the only owner of "Acme"
    When she calls POST /workspace/leave
    Then the response is 409 with "Transfer ownership before leaving"
    And she is still the owner

  # REQ-users.roles-4: The system shall let admins invite, remove and change the roles of members and admins, and keep billing, ownership transfer and workspace deletion to the owner.
  @REQ-users.roles-4
  Scenario: An admin promotes a member
    Given cleo@example.com is an admin of "Acme"
    And ben@example.com is a member
    When cleo@example.com changes ben's role to "admin"
    Then the response is 200
    And ben@example.com is an admin

  @REQ-users.roles-4 @edge-case
  Scenario: An admin cannot touch billing
    Given cleo@example.com is an admin of "Acme"
    When cleo@example.com calls POST /billing/checkout-sessions
    Then the response is 403 with "Only the workspace owner can do this"

  @REQ-users.roles-4 @edge-case
  Scenario: An admin cannot make anyone owner
    When cleo@example.com changes ben's role to "owner"
    Then the response is 403
    And ben@example.com keeps his role

  @REQ-users.roles-4 @edge-case
  Scenario: An admin cannot remove the owner
    When cleo@example.com removes the owner ana@example.com
    Then the response is 403
    And ana@example.com is still the owner

  # REQ-users.roles-5: If a member calls an admin operation (invite, remove, change a role), then the system shall answer 403 with the message "Only owners and admins can do this".
  @REQ-users.roles-5
  Scenario: A member cannot invite
    Given ben@example.com is a member of "Acme"
    When ben@example.com changes cleo's role to "member"
    Then the response is 403 with "Only owners and admins can do this"

  # REQ-users.roles-6: The system shall keep exactly one owner per workspace, changed only when the current owner transfers ownership to another member, who must accept it by re-entering their credentials.
  @REQ-users.roles-6
  Scenario: Ana hands the workspace to Cleo
    Given ana@example.com owns "Acme"
    And cleo@example.com is an admin
    When ana@example.com transfers ownership to cleo@example.com
    And cleo@example.com confirms the transfer
    Then cleo@example.com is the owner
    And ana@example.com is an admin

