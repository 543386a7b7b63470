Feature: Data
  The data requirements of Team Tracker, as acceptance tests.

  @REQ-data.audit-1
  Scenario: Do we keep an audit log of changes
    Given the product is built as the spec decides in "data.audit"
    When someone relies on that behaviour
    Then it holds that "Do we keep an audit log of changes: Who changed what, and when."

  @REQ-data.deletion-1
  Scenario: What happens when a task is deleted
    Given the product is built as the spec decides in "data.deletion"
    When someone relies on that behaviour
    Then it holds that "What happens when a task is deleted: It goes to a trash for 30 days."

  @REQ-data.entities-1
  Scenario: Manage projects
    Given a signed-in owner of a workspace
    When they create a project with name, description, archived
    Then the project appears in the list of projects
    When they change the project
    Then the change is saved and shown
    When they delete the project
    Then it moves to the trash and leaves the list of projects

  @REQ-data.entities-2
  Scenario: Manage tasks
    Given a signed-in owner of a workspace
    When they create a task with title, notes, done, due on, assignee, project
    Then the task appears in the list of tasks
    When they change the task
    Then the change is saved and shown
    When they delete the task
    Then it moves to the trash and leaves the list of tasks

  @REQ-data.entities-3
  Scenario: Manage members
    Given a signed-in owner of a workspace
    When they create a member with email, display name
    Then the member appears in the list of members
    When they change the member
    Then the change is saved and shown
    When they delete the member
    Then it moves to the trash and leaves the list of members

  @REQ-data.entities-4
  Scenario: Manage comments
    Given a signed-in owner of a workspace
    When they create a comment with body, author, task
    Then the comment appears in the list of comments
    When they change the comment
    Then the change is saved and shown
    When they delete the comment
    Then it moves to the trash and leaves the list of comments

  @REQ-data.store-1
  Scenario: Where is the data kept
    Given the product is built as the spec decides in "data.store"
    When someone relies on that behaviour
    Then it holds that "Where is the data kept: One PostgreSQL database."

