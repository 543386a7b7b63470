Feature: Deployment
  The deployment requirements of Team Tracker, as acceptance tests.

  # REQ-deploy.strategy-1: When a release is deployed, the pipeline shall replace instances one at a time, sending traffic to a new instance only after its readiness check passes, with no fewer instances serving than before.
  @REQ-deploy.strategy-1
  Scenario: No request fails during a deploy
    Given a load of 50 requests per second runs against staging
    When a release is rolled out
    Then fewer than 0.01% of requests fail
    And the old and the new version served side by side for up to 10 minutes

  @REQ-deploy.strategy-1 @edge-case
  Scenario: A new instance that never gets ready stops the rollout
    When the first new instance fails its readiness check for 5 minutes
    Then the rollout stops
    And the old instances keep serving

  # REQ-deploy.strategy-2: The system shall make every schema change compatible with the previous release, splitting renames and removals into expand, migrate and contract steps across releases.
  @REQ-deploy.strategy-2
  Scenario: A column rename takes three releases
    When the column "title" is renamed to "name"
    Then release 1 adds "name" and writes both
    And release 2 reads "name" only
    And release 3 drops "title"

