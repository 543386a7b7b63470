Feature: Data
  The data requirements of Team Tracker, as acceptance tests.

  # REQ-data.audit-1: When a record is created, changed or deleted, the system shall write an audit event with the actor, the action, the record's type and id, the names of the changed fields with their old and new values, and the time, in the same transaction as the change.
  @REQ-data.audit-1
  Scenario: A rename is recorded
    Given the record "Launch plan" exists in "Acme"
    When ben@example.com renames it to "Launch plan v2" at 10:00
    Then the audit log of "Acme" holds one event "record.updated" by ben@example.com at 10:00
    And the event shows the field "name" changing from "Launch plan" to "Launch plan v2"

  @REQ-data.audit-1 @edge-case
  Scenario: A failed change leaves no event
    When ben@example.com saves a record and the database rejects the update
    Then no audit event is written for that attempt

  # REQ-data.audit-2: When a security-relevant action happens (sign-in, failed sign-in, invitation, role change, member removal, API token creation or revocation, settings or billing change), the system shall write an audit event with the actor, the IP address and the user agent.
  @REQ-data.audit-2
  Scenario: A role change is recorded
    When ana@example.com changes cleo's role from "member" to "admin"
    Then the audit log holds "membership.role_changed" by ana@example.com with "member" to "admin" and her IP address

  @REQ-data.audit-2 @edge-case
  Scenario: A failed sign-in is recorded without a password
    When someone fails to sign in as ben@example.com from 203.0.113.7
    Then the audit log holds "auth.sign_in_failed" for ben@example.com from 203.0.113.7
    And no password appears in the event

  # REQ-data.audit-3: When an owner or admin opens the audit log, the system shall list the workspace's events newest first, filterable by actor, action, record and date range.
  @REQ-data.audit-3
  Scenario: Ana finds who deleted a record
    Given ben@example.com deleted the record "Old draft" on 3 March
    When ana@example.com filters the audit log by the action "record.deleted" and March
    Then she sees one event by ben@example.com on 3 March for "Old draft"

  @REQ-data.audit-3 @edge-case
  Scenario: A member cannot read the audit log
    When ben@example.com (a member) calls GET /audit-events
    Then the response is 403

  # REQ-data.audit-4: The system shall keep audit events append-only, with no operation or database grant that updates or deletes them before AUDIT_RETENTION_DAYS.
  @REQ-data.audit-4
  Scenario: The application cannot rewrite history
    When the application's database role runs an UPDATE on audit_events
    Then the database refuses it with a permission error

  # REQ-data.deletion-1: When a member deletes a record, the system shall set its deleted_at, hide it from every list, read and search, and answer 204.
  @REQ-data.deletion-1
  Scenario: A deleted record moves to the trash
    Given the record "Old draft" exists in "Acme"
    When ben@example.com deletes "Old draft" on 1 March
    Then the list of records no longer shows it
    And reading it by id answers 404
    And /trash lists it with "Deleted by ben@example.com on 1 March"

  # REQ-data.deletion-2: When a member restores a record from the trash within 30 days of its deletion, the system shall clear its deleted_at and show it again where it was.
  @REQ-data.deletion-2
  Scenario: Ben restores his mistake
    Given ben@example.com deleted "Old draft" on 1 March
    When he restores it on 5 March
    Then the response is 200
    And "Old draft" is back in the list with its original id

  @REQ-data.deletion-2 @edge-case
  Scenario: A restore that would break a unique field is refused
    Given a new record named "Website" was created after the old "Website" was deleted
    When ben@example.com restores the old "Website"
    Then the response is 409 naming the field "name"
    And the old one stays in the trash

  @REQ-data.deletion-2 @edge-case
  Scenario: A child cannot come back without its parent
    Given the project "Website" and its task "Copy" are both in the trash
    When ben@example.com restores "Copy" alone
    Then the response is 409 with "Restore the project Website first"

  # REQ-data.deletion-3: When a record has been in the trash for 30 days, the system shall delete it permanently within the next 24 hours.
  @REQ-data.deletion-3
  Scenario: The trash empties itself
    Given the record "Old draft" was deleted on 1 March at 10:00
    When the purge job runs on 31 March at 10:30
    Then the database holds no row for "Old draft"
    And the trash no longer lists it

  # REQ-data.deletion-4: The system shall apply unique constraints only to records that are not in the trash.
  @REQ-data.deletion-4
  Scenario: A name in the trash can be reused
    Given the record named "Website" is in the trash
    When ana@example.com creates a new record named "Website"
    Then the response is 201

  # REQ-data.entities-1: When a member submits a new project with name, archived, the system shall store it and return it with its id, created_at and updated_at.
  @REQ-data.entities-1
  Scenario: Ana creates a project
    Given ana@example.com is a member of the workspace "Acme"
    When she creates a project with name "Name 1", archived false
    Then the response is 201 with the new project's id
    And the list of projects in "Acme" holds it with name "Name 1", archived false

  @REQ-data.entities-1 @edge-case
  Scenario: A project without its name is refused
    Given ana@example.com is a member of the workspace "Acme"
    When she creates a project without name
    Then the response is 400 and names the field "name"
    And no project is stored

  # REQ-data.entities-2: If a member reads, changes or deletes a project by an id that does not exist, then the system shall answer 404 and change nothing.
  @REQ-data.entities-2
  Scenario: Ana changes and deletes a project
    Given a project with name "Name 1", archived false exists
    When ana@example.com changes that project and then deletes it
    Then the change answers 200 with a later updated_at
    And the delete answers 204 and the list of projects no longer holds it

  @REQ-data.entities-2 @edge-case
  Scenario: An unknown project id answers 404
    Given no project has the id 0b7f6f1e-0000-4000-8000-000000000000
    When ana@example.com deletes the project 0b7f6f1e-0000-4000-8000-000000000000
    Then the response is 404
    And the count of projects is unchanged

  # REQ-data.entities-3: When a member submits a new task with title, done, project, the system shall store it and return it with its id, created_at and updated_at.
  @REQ-data.entities-3
  Scenario: Ana creates a task
    Given ana@example.com is a member of the workspace "Acme"
    When she creates a task with title "Title 1", done false, project the project "Project 1"
    Then the response is 201 with the new task's id
    And the list of tasks in "Acme" holds it with title "Title 1", done false, project the project "Project 1"

  @REQ-data.entities-3 @edge-case
  Scenario: A task without its title is refused
    Given ana@example.com is a member of the workspace "Acme"
    When she creates a task without title
    Then the response is 400 and names the field "title"
    And no task is stored

  # REQ-data.entities-4: If a member reads, changes or deletes a task by an id that does not exist, then the system shall answer 404 and change nothing.
  @REQ-data.entities-4
  Scenario: Ana changes and deletes a task
    Given a task with title "Title 1", done false, project the project "Project 1" exists
    When ana@example.com changes that task and then deletes it
    Then the change answers 200 with a later updated_at
    And the delete answers 204 and the list of tasks no longer holds it

  @REQ-data.entities-4 @edge-case
  Scenario: An unknown task id answers 404
    Given no task has the id 0b7f6f1e-0000-4000-8000-000000000000
    When ana@example.com deletes the task 0b7f6f1e-0000-4000-8000-000000000000
    Then the response is 404
    And the count of tasks is unchanged

  # REQ-data.entities-5: When a member submits a new member with email, display name, the system shall store it and return it with its id, created_at and updated_at.
  @REQ-data.entities-5
  Scenario: Ana creates a member
    Given ana@example.com is a member of the workspace "Acme"
    When she creates a member with email "ana@example.com", display name "Display name 1"
    Then the response is 201 with the new member's id
    And the list of members in "Acme" holds it with email "ana@example.com", display name "Display name 1"

  @REQ-data.entities-5 @edge-case
  Scenario: A member without its email is refused
    Given ana@example.com is a member of the workspace "Acme"
    When she creates a member without email
    Then the response is 400 and names the field "email"
    And no member is stored

  # REQ-data.entities-6: If a member reads, changes or deletes a member by an id that does not exist, then the system shall answer 404 and change nothing.
  @REQ-data.entities-6
  Scenario: Ana changes and deletes a member
    Given a member with email "ana@example.com", display name "Display name 1" exists
    When ana@example.com changes that member and then deletes it
    Then the change answers 200 with a later updated_at
    And the delete answers 204 and the list of members no longer holds it

  @REQ-data.entities-6 @edge-case
  Scenario: An unknown member id answers 404
    Given no member has the id 0b7f6f1e-0000-4000-8000-000000000000
    When ana@example.com deletes the member 0b7f6f1e-0000-4000-8000-000000000000
    Then the response is 404
    And the count of members is unchanged

  # REQ-data.entities-7: When a member submits a new comment with body, author, task, the system shall store it and return it with its id, created_at and updated_at.
  @REQ-data.entities-7
  Scenario: Ana creates a comment
    Given ana@example.com is a member of the workspace "Acme"
    When she creates a comment with body "Body 1", author the member "Member 1", task the task "Task 1"
    Then the response is 201 with the new comment's id
    And the list of comments in "Acme" holds it with body "Body 1", author the member "Member 1", task the task "Task 1"

  @REQ-data.entities-7 @edge-case
  Scenario: A comment without its body is refused
    Given ana@example.com is a member of the workspace "Acme"
    When she creates a comment without body
    Then the response is 400 and names the field "body"
    And no comment is stored

  # REQ-data.entities-8: If a member reads, changes or deletes a comment by an id that does not exist, then the system shall answer 404 and change nothing.
  @REQ-data.entities-8
  Scenario: Ana changes and deletes a comment
    Given a comment with body "Body 1", author the member "Member 1", task the task "Task 1" exists
    When ana@example.com changes that comment and then deletes it
    Then the change answers 200 with a later updated_at
    And the delete answers 204 and the list of comments no longer holds it

  @REQ-data.entities-8 @edge-case
  Scenario: An unknown comment id answers 404
    Given no comment has the id 0b7f6f1e-0000-4000-8000-000000000000
    When ana@example.com deletes the comment 0b7f6f1e-0000-4000-8000-000000000000
    Then the response is 404
    And the count of comments is unchanged

  # REQ-data.entities-9: If a request gives a field a value of the wrong type or leaves out a required field, then the system shall answer 400 with a body listing each invalid field by name with its reason.
  @REQ-data.entities-9
  Scenario: Every invalid field is named
    When ana@example.com creates a record with "due_on" set to "tomorrow" and without "title"
    Then the response is 400
    And the body lists "due_on" with "must be a date (YYYY-MM-DD)" and "title" with "is required"

  @REQ-data.entities-9 @edge-case
  Scenario: Unknown fields are refused
    When ana@example.com creates a record with the extra field "colour"
    Then the response is 400 naming the field "colour" with "is not a known field"

  # REQ-data.entities-10: If a field marked unique receives a value another record of the workspace already has, then the system shall answer 409 naming the field.
  @REQ-data.entities-10
  Scenario: A duplicate unique value is refused
    Given the workspace "Acme" has a record whose unique name is "Website"
    When ben@example.com creates another record named "Website"
    Then the response is 409 naming the field "name"
    And only 1 record named "Website" exists

  # REQ-data.entities-11: If a member saves a record that someone else changed after the member loaded it, then the system shall answer 409 and keep the other person's change.
  @REQ-data.entities-11
  Scenario: A stale edit does not overwrite
    Given ana@example.com and ben@example.com opened the same record at 10:00
    When ben@example.com saves at 10:01
    And ana@example.com saves her older copy at 10:02 with If-Match of the 10:00 version
    Then Ana's save answers 409 with "This record was changed by ben@example.com"
    And Ben's change is kept

  # REQ-data.entities-12: If a referenced record does not exist in the same workspace, then the system shall answer 422 naming the reference field.
  @REQ-data.entities-12
  Scenario: A reference to another workspace is refused
    Given the record "p-9" belongs to "Globex"
    When ana@example.com of "Acme" creates a record referencing "p-9"
    Then the response is 422 naming the reference field
    And nothing is stored

  # REQ-data.entities-13: The system shall set id, created_at, updated_at and created_by of every record itself and ignore those fields in request bodies.
  @REQ-data.entities-13
  Scenario: Clients cannot backdate a record
    When ben@example.com creates a record at 2027-03-01T09:00:00Z sending created_at "2020-01-01T00:00:00Z"
    Then the record's created_at is 2027-03-01T09:00:00Z
    And its created_by is ben@example.com

  # REQ-data.store-1: The system shall change the PostgreSQL schema only through numbered migrations kept in the repository and applied by the deploy pipeline before the new code serves traffic.
  @REQ-data.store-1
  Scenario: A deploy applies its migration
    Given production is at migration 0041
    And the release contains 0042_add_due_on
    When the release is deployed
    Then production is at migration 0042 before the new version takes traffic

  @REQ-data.store-1 @edge-case
  Scenario: A failing migration stops the deploy
    When migration 0043 fails on staging
    Then the deploy stops
    And staging still runs the previous version at migration 0042

  # REQ-data.store-2: If the database schema is older than the latest migration the build contains, then the system shall refuse to start and log the name of the missing migration.
  @REQ-data.store-2
  Scenario: A forgotten migration is caught at start
    Given the database is at 0041
    And the build contains 0042
    When the new version starts
    Then it exits with "Database is at 0041; missing 0042_add_due_on"
    And it never answers /readyz with 200

  # REQ-data.store-3: The system shall use uuid primary keys, timestamptz for every time, and text with CHECK constraints for enumerations.
  @REQ-data.store-3
  Scenario: Times keep their zone
    When a record is created at 2027-03-01T09:00:00+01:00
    Then it is read back as 2027-03-01T08:00:00Z

