Feature: Product
  The product requirements of Team Tracker, as acceptance tests.

  # REQ-notify.channels-1: When another member changes or deletes a record a member created, or changes that member's role, the system shall notify that member once on each channel they have turned on for that kind of activity.
  @REQ-notify.channels-1
  Scenario: Ana hears that Ben renamed her record
    Given ana@example.com created the record "Launch plan" in "Acme"
    And she has "Record changed" turned on for every chosen channel
    When ben@example.com renames "Launch plan" to "Launch plan v2" at 10:00
    Then ana@example.com gets one notification per turned-on channel reading "Ben renamed Launch plan to Launch plan v2"
    And ben@example.com gets no notification about his own change

  @REQ-notify.channels-1 @edge-case
  Scenario: Nobody is notified of their own change
    Given ana@example.com created the record "Launch plan"
    When ana@example.com renames "Launch plan" herself
    Then no notification is queued for anyone
    And the notification_deliveries table holds no row for the rename

  # REQ-notify.channels-2: When a member changes one record more than once within 2 minutes, the system shall send a single notification covering those changes 2 minutes after the last of them.
  @REQ-notify.channels-2
  Scenario: Five edits within 3 minutes make one notification
    Given ana@example.com created the record "Budget" in "Acme"
    When ben@example.com saves "Budget" 5 times between 10:00 and 10:03
    Then ana@example.com gets one notification at 10:05 reading "Ben changed Budget 5 times"
    And no notification about "Budget" reached her before 10:05

  # REQ-notify.channels-3: When a member turns a kind of activity off for a channel on /settings/notifications, the system shall send them no notification of that kind on that channel from the next change on.
  @REQ-notify.channels-3
  Scenario: Ben silences record changes
    Given ben@example.com created the record "Roadmap" in "Acme"
    When ben@example.com turns "Record changed" off for every channel at 09:00
    And ana@example.com renames "Roadmap" at 09:30
    Then ben@example.com gets no notification about the rename on any channel
    And /settings/notifications shows "Record changed" off for every channel

  @REQ-notify.channels-3 @edge-case
  Scenario: Settings are kept per workspace
    Given ben@example.com is a member of "Acme" and of "Globex"
    When he turns "Record deleted" off in "Acme" only
    And cleo@example.com deletes a record of his in "Globex"
    Then ben@example.com is notified about the deletion in "Globex"

  # REQ-notify.channels-4: If a member loses access to a workspace, then the system shall drop their queued notifications of that workspace and notify them of nothing that happens there afterwards.
  @REQ-notify.channels-4
  Scenario: A removed member hears nothing more
    Given ben@example.com created the record "Pricing" in "Acme"
    When ana@example.com removes ben@example.com from "Acme" at 10:00
    And she deletes "Pricing" at 10:05
    Then ben@example.com gets no notification about "Pricing" on any channel
    And his queued deliveries for "Acme" are marked suppressed

  # REQ-notify.channels-5: When a notification is due for a member who has email turned on for its kind, the system shall send one email naming the actor, the action and the record, with a link to the record and a one-click unsubscribe link for that kind.
  @REQ-notify.channels-5
  Scenario: Ana gets an email about her record
    Given ana@example.com has "Record changed" turned on for email in "Acme"
    When ben@example.com renames her record "Launch plan" at 10:00
    Then ana@example.com receives one email titled "Ben renamed Launch plan" by 10:05
    And the email links to the record and carries List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058)

  # REQ-notify.channels-6: When a member opens the unsubscribe link of an activity email, the system shall turn that kind of email off for them without asking them to sign in, and keep sending their account emails (sign-in, invitations, security and billing notices).
  @REQ-notify.channels-6
  Scenario: Ana stops record emails in one click
    Given ana@example.com received an activity email about "Launch plan" at 10:00
    When her mail client posts to the email's unsubscribe link at 11:00
    And ben@example.com renames another of her records at 11:05
    And ana@example.com is invited to the workspace "Globex" at 11:10
    Then she receives no email about the 11:05 rename
    And she receives the invitation email to "Globex"
    And /settings/notifications shows "Record changed" off for email

  @REQ-notify.channels-6 @edge-case
  Scenario: A forged unsubscribe link changes nothing
    When someone posts to an unsubscribe link whose signature was altered
    Then the response is 400 with "This link is not valid"
    And no notification setting changes

  # REQ-notify.channels-7: If the mail provider reports a hard bounce or a spam complaint for an address, then the system shall stop sending activity emails to that address until its member turns email back on in their notification settings.
  @REQ-notify.channels-7
  Scenario: A bouncing address is suppressed
    Given the mail provider reports a hard bounce for ben@example.com at 09:00
    When ana@example.com changes a record Ben created at 09:30
    Then no activity email is sent to ben@example.com
    And the delivery is stored with status "suppressed"
    And Ben's notification settings say "Emails to ben@example.com bounced; turn email back on to resume"

  @REQ-notify.channels-7 @edge-case
  Scenario: A full mailbox is retried, not suppressed
    When the provider reports a soft bounce "mailbox full" for ana@example.com
    Then the delivery is retried within 30 minutes
    And ana@example.com is not on the suppression list

  @REQ-notify.channels-7 @edge-case
  Scenario: A forged provider event is refused
    When a request to /mail/webhooks reports a bounce for ana@example.com with a wrong signature
    Then the response is 400
    And ana@example.com is not on the suppression list

  # REQ-notify.channels-8: When a member would receive more than ACTIVITY_EMAILS_PER_HOUR activity emails from one workspace within an hour, the system shall hold the rest and send them as one summary email when that hour ends.
  @REQ-notify.channels-8
  Scenario: A bulk import sends one summary
    Given ACTIVITY_EMAILS_PER_HOUR is 10
    And ana@example.com created 40 records in "Acme"
    When ben@example.com changes all 40 between 14:00 and 14:20
    Then ana@example.com receives 10 activity emails and then one summary listing the other 30 changes at 15:00

  # REQ-notify.channels-9: When a notification is due for a member who has in-app turned on for its kind, the system shall add an unread entry to their notification centre and count it in the unread badge on the bell icon.
  @REQ-notify.channels-9
  Scenario: Ana sees Ben's deletion in her notification centre
    Given ana@example.com has 2 unread entries in "Acme"
    When ben@example.com deletes her record "Old draft" at 10:00
    Then the bell shows 3 on her next page load
    And the newest entry reads "Ben deleted Old draft" with the time 10:00

  @REQ-notify.channels-9 @edge-case
  Scenario: More than 99 unread entries show as 99+
    Given ana@example.com has 140 unread entries
    When she opens any screen
    Then the bell shows "99+"
    And /notifications lists all 140 as unread

  @REQ-notify.channels-9 @edge-case
  Scenario: Entries of a lost workspace disappear
    Given ben@example.com has 4 unread entries from "Acme"
    When he is removed from "Acme"
    Then /notifications no longer lists the 4 entries from "Acme"
    And his bell no longer counts them

  # REQ-notify.channels-10: When a member opens an entry or chooses "Mark all as read", the system shall mark those entries read and lower the unread count to match.
  @REQ-notify.channels-10
  Scenario: Ana catches up
    Given ana@example.com has 3 unread entries
    When she opens the entry "Ben deleted Old draft"
    And then chooses "Mark all as read"
    Then the bell shows 2 after the first step and no badge after the second
    And her 3 entries are still listed as read

  @REQ-notify.channels-10 @edge-case
  Scenario: Nobody marks another member's entry
    When ben@example.com calls POST /notifications/{id}/read with the id of an entry of ana@example.com
    Then the response is 404
    And Ana's entry stays unread

  # REQ-notify.channels-11: When a notification-centre entry is NOTIFICATION_RETENTION_DAYS days old, the system shall delete it.
  @REQ-notify.channels-11
  Scenario: Old entries are purged
    Given NOTIFICATION_RETENTION_DAYS is 90
    And ana@example.com has an entry from 1 January 2027
    When the purge job runs at 04:30 on 2 April 2027
    Then the entry from 1 January 2027 no longer exists
    And her entries from February are kept

  # REQ-notify.channels-12: When an entry is added for a member with an open event stream, the system shall send it on that stream within 1 second, so that the unread badge changes without a reload.
  @REQ-notify.channels-12
  Scenario: Ana's bell updates live
    Given ana@example.com has the records list of "Acme" open with 2 unread entries
    When ben@example.com deletes her record "Old draft" at 10:00:00
    Then her bell shows 3 by 10:00:01 without a reload

  # REQ-notify.channels-13: When a task is assigned to a member, the system shall email them within 5 minutes and add an unread entry to their in-app inbox.
  @REQ-notify.channels-13
  Scenario: Ben learns of his new task
    Given ben@example.com is a member of "Acme"
    When Ana assigns the task "Write the launch post" to Ben at 10:00
    Then Ben receives one email titled "Ana assigned you: Write the launch post" by 10:05
    And his inbox shows 1 unread entry

  @REQ-notify.channels-13 @edge-case
  Scenario: Assigning yourself sends nothing
    When Ana assigns the task "Write the launch post" to herself
    Then no email is sent and her inbox count stays the same

  # REQ-notify.digest-1: When it is Monday 08:00 in a member's time zone, the system shall email them one digest listing every task assigned to them that is overdue or due within 7 days.
  @REQ-notify.digest-1
  Scenario: Ana's Monday digest
    Given Ana has "Ship v1" due 2027-03-02 and "Invoice Globex" overdue since 2027-02-25
    When it is Monday 2027-03-01 08:00 in Europe/Berlin
    Then Ana receives one email listing "Invoice Globex" (overdue) and "Ship v1" (due Tuesday)

  @REQ-notify.digest-1 @edge-case
  Scenario: Nothing due means no email
    Given Ben has no task overdue or due within 7 days
    When it is Monday 08:00 in Ben's time zone
    Then no digest is sent to ben@example.com

  # REQ-product.audience-1: The system shall let one workspace hold up to 50 members.
  @REQ-product.audience-1
  Scenario: The fiftieth member joins
    Given the workspace "Acme" has 49 members
    When the owner invites ben@example.com and Ben accepts
    Then Ben sees the projects of "Acme" and the members page lists 50 people

  @REQ-product.audience-1 @edge-case
  Scenario: A fifty-first member is refused
    Given the workspace "Acme" has 50 members
    When the owner invites carl@example.com
    Then the invitation is refused with "A workspace holds at most 50 people"
    And no email is sent to carl@example.com

  # REQ-product.billing-1: When an owner starts a subscription, the system shall redirect them to the payment provider's hosted checkout and activate the plan only after the provider's "checkout.session.completed" webhook arrives.
  @REQ-product.billing-1
  Scenario: Ana subscribes by card
    Given ana@example.com owns "Acme"
    And "Acme" is on a 14-day trial
    When she starts a subscription
    And pays with the test card 4242 4242 4242 4242 on the hosted checkout
    And the provider sends "checkout.session.completed" for "Acme"
    Then the subscription of "Acme" has status "active"
    And /settings/billing shows the plan and the next invoice date

  @REQ-product.billing-1 @edge-case
  Scenario: Returning from checkout without paying changes nothing
    Given ana@example.com owns "Acme" on a trial
    When she leaves the hosted checkout with the back button
    Then the subscription of "Acme" is still "trialing"
    And no invoice exists

  @REQ-product.billing-1 @edge-case
  Scenario: A member cannot open billing
    Given ben@example.com is a member of "Acme"
    When ben@example.com calls POST /billing/checkout-sessions
    Then the response is 403
    And no checkout session is created

  # REQ-product.billing-2: If a billing webhook arrives without a valid provider signature, then the system shall answer 400 and change no subscription.
  @REQ-product.billing-2
  Scenario: A forged webhook is refused
    When a request to /billing/webhooks carries the body of "customer.subscription.deleted" with a wrong Stripe-Signature header
    Then the response is 400
    And the subscription of "Acme" is unchanged

  # REQ-product.billing-3: When the payment provider delivers a webhook event it has delivered before, the system shall answer 200 and apply the event only once.
  @REQ-product.billing-3
  Scenario: A retried webhook is applied once
    Given the event "evt_123" set the seats of "Acme" to 12
    When the provider delivers "evt_123" a second time
    Then the response is 200
    And the seats of "Acme" are still 12
    And the billing_events table holds "evt_123" once

  # REQ-product.billing-4: When a payment fails, the system shall email the workspace owner and keep the workspace fully usable for a 14-day grace period, after which the workspace becomes read-only until payment succeeds.
  @REQ-product.billing-4
  Scenario: A failed card starts the grace period
    Given the card of "Acme" is declined on 1 May
    When the provider sends "invoice.payment_failed" for "Acme"
    Then ana@example.com receives the "payment failed" email
    And members of "Acme" can still create records until 15 May

  @REQ-product.billing-4 @edge-case
  Scenario: After the grace period the workspace is read-only
    Given the payment of "Acme" failed on 1 May and was not fixed
    When ben@example.com creates a record on 16 May
    Then the response is 402 with "This workspace is read-only until its payment is fixed"
    And listing records still answers 200

  # REQ-product.billing-5: When a new workspace is created, the system shall start a 14-day trial with every paid feature and email the owner 3 days before it ends.
  @REQ-product.billing-5
  Scenario: A trial ends with a reminder
    Given the workspace "Acme" was created on 1 June
    When the trial reminder job runs on 12 June
    Then ana@example.com receives "Your trial ends on 15 June"
    And the subscription of "Acme" is "trialing" until 15 June

  # REQ-product.billing-6: When a member joins or is removed from a workspace, the system shall set the subscription's seat quantity to the number of active members within 60 seconds, prorating additions and applying removals at the next billing period.
  @REQ-product.billing-6
  Scenario: A new teammate adds a seat
    Given "Acme" pays for 5 seats and has 5 members
    When ben@example.com accepts an invitation to "Acme" on 10 March
    Then the provider's subscription for "Acme" has 6 seats within 60 seconds
    And the next invoice carries a prorated charge for 1 seat from 10 March

  @REQ-product.billing-6 @edge-case
  Scenario: A removal lowers the bill next period
    Given "Acme" pays for 6 seats
    When ana@example.com removes ben@example.com on 12 March
    Then the seat quantity becomes 5 from the next billing period
    And no refund is issued for March

  # REQ-product.billing-7: When an owner opens the invite form, the system shall show the seat count and the monthly price the workspace will have once the invitation is accepted.
  @REQ-product.billing-7
  Scenario: Ana sees the price before inviting
    Given a seat costs 10 EUR a month
    And "Acme" has 5 members
    When ana@example.com opens the invite form
    Then the form says "Inviting 1 person brings Acme to 6 seats, 60 EUR a month"

  # REQ-product.platform-1: The system shall render every screen without horizontal scrolling at viewport widths from 320 to 1920 CSS pixels in the two latest major versions of Chrome, Firefox, Safari and Edge.
  @REQ-product.platform-1
  Scenario: The records list fits a phone screen
    Given ana@example.com uses Safari on a phone with a 375-pixel-wide viewport
    When she opens the list of records
    Then the page shows no horizontal scroll bar
    And every column she needs is reachable by vertical scrolling

  @REQ-product.platform-1 @edge-case
  Scenario: An unsupported browser gets a notice
    When ben@example.com opens the app in Internet Explorer 11
    Then he sees "This browser is not supported; please use a current Chrome, Firefox, Safari or Edge"

  # REQ-tasks.fields-1: When a member assigns a task to two or more members, the system shall list that task under each assignee.
  @REQ-tasks.fields-1
  Scenario: Two assignees both see the task
    When Ana assigns "Plan the offsite" to ben@example.com and carl@example.com
    Then the lists "Assigned to Ben" and "Assigned to Carl" both hold "Plan the offsite"

  # REQ-tasks.fields-2: When a member opens a task, the system shall render its Markdown description with raw HTML removed.
  @REQ-tasks.fields-2
  Scenario: Markdown is shown and scripts are not
    Given a task whose description is "**Urgent** <script>alert(1)</script>"
    When Ben opens the task
    Then "Urgent" is shown in bold and no script runs

  # REQ-tasks.recurring-1: When a member completes a task, the system shall create no follow-up copy of it.
  @REQ-tasks.recurring-1
  Scenario: Completing a weekly report makes no new task
    Given the task "Weekly report" is due 2027-03-01
    When Ana marks "Weekly report" done
    Then the project holds exactly one task named "Weekly report", and it is done

