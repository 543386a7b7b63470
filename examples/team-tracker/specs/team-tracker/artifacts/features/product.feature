Feature: Product
  The product requirements of Team Tracker, as acceptance tests.

  # REQ-notify.channels-1: When a task is assigned to a member, the system shall email them within 5 minutes and add an unread entry to their in-app inbox.
  @REQ-notify.channels-1
  Scenario: Ben learns of his new task
    Given ben@example.com is a member of "Acme"
    When Ana assigns the task "Write the launch post" to Ben at 10:00
    Then Ben receives one email titled "Ana assigned you: Write the launch post" by 10:05
    And his inbox shows 1 unread entry

  @REQ-notify.channels-1 @edge-case
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

