Feature: UI
  The ui requirements of Team Tracker, as acceptance tests.

  # REQ-ui.realtime-1: When a record of a workspace is created, changed or deleted, the system shall send an event with its type, id and new version to every open event stream of that workspace's members within 1 second.
  @REQ-ui.realtime-1
  Scenario: Ana sees Ben's new record live
    Given ana@example.com has the records list of "Acme" open
    When ben@example.com creates "Budget" at 10:00:00.000
    Then Ana's list shows "Budget" by 10:00:01.000 without reloading

  @REQ-ui.realtime-1 @edge-case
  Scenario: Another workspace hears nothing
    Given cleo@example.com has the records list of "Globex" open
    When ben@example.com creates "Budget" in "Acme"
    Then Cleo's stream receives no event

  @REQ-ui.realtime-1 @edge-case
  Scenario: Revoked access closes the stream
    When ben@example.com is removed from "Acme" while his stream is open
    Then his stream is closed within 5 seconds
    And he receives no further events

  # REQ-ui.realtime-2: When a client reconnects with a Last-Event-ID no older than 5 minutes, the system shall replay the events it missed before sending new ones.
  @REQ-ui.realtime-2
  Scenario: A short network drop loses nothing
    Given Ana's stream received event 1041 and then dropped
    When her browser reconnects 20 seconds later with Last-Event-ID 1041
    Then she receives events 1042 to 1045 in order
    And then live events

  @REQ-ui.realtime-2 @edge-case
  Scenario: A long absence asks for a reload
    When her browser reconnects after 10 minutes with Last-Event-ID 1041
    Then she receives a "reload" event
    And the screen refetches its data

  # REQ-ui.realtime-3: While an event stream is open, the system shall send a heartbeat comment every 25 seconds.
  @REQ-ui.realtime-3
  Scenario: Proxies keep the stream open
    When a stream has no events for 60 seconds
    Then the client received at least 2 heartbeats
    And the connection is still open

