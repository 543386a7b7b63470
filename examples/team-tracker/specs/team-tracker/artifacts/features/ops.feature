Feature: Ops
  The ops requirements of Team Tracker, as acceptance tests.

  # REQ-ops.backups-1: The system shall archive the database's write-ahead log continuously and keep 14 days of it with daily base backups, so that the database can be restored to any second of the last 14 days.
  @REQ-ops.backups-1
  Scenario: Restoring to just before a mistake
    Given a bad migration dropped data at 14:32:10
    When an engineer restores to 14:32:00 into a new instance
    Then the restored database holds the data as of 14:32:00

  @REQ-ops.backups-1 @edge-case
  Scenario: A stalled log archive alerts
    When no log segment is archived for 10 minutes
    Then the on-call engineer is alerted

  # REQ-ops.backups-2: When the quarterly restore drill runs, the system shall restore to a random time of the last 7 days and check that it opens and holds the expected row counts.
  @REQ-ops.backups-2
  Scenario: The quarterly drill proves recovery
    When the drill restores to 3 days ago at 11:17
    Then the restore completes within 1 hour
    And the result is posted to the team chat

  # REQ-ops.hosting-1: The system shall answer GET /healthz with 200 while the process runs, and GET /readyz with 200 only while it can reach the database.
  @REQ-ops.hosting-1
  Scenario: A lost database makes the instance unready
    Given an instance serves traffic
    When its database connection fails
    Then GET /readyz answers 503 within 5 seconds
    And GET /healthz still answers 200
    And the platform stops sending it traffic

  # REQ-ops.hosting-2: When the process receives SIGTERM, the system shall stop accepting new requests, finish in-flight requests for up to 30 seconds, and exit.
  @REQ-ops.hosting-2
  Scenario: A deploy drops no request
    Given an instance is serving 20 in-flight requests
    When it receives SIGTERM
    Then all 20 requests complete
    And the process exits within 30 seconds

  # REQ-ops.hosting-3: The system shall run as a stateless container image on the managed platform with at least 2 instances in production, keeping every state in the database, object storage or the cache.
  @REQ-ops.hosting-3
  Scenario: An instance restart loses nothing
    Given production runs 2 instances
    When the platform restarts one instance while ana@example.com is signed in
    Then her next request succeeds on the other instance
    And her session is still valid

  # REQ-ops.hosting-4: The pipeline shall describe every platform resource (services, database, secrets, domains) as code in the repository.
  @REQ-ops.hosting-4
  Scenario: Staging is rebuilt from the repository
    When an engineer applies the infrastructure code to an empty account
    Then a working staging environment answers /healthz with 200

