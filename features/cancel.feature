Feature: Cancelling orders
  A cancel resolves to Cancelled, Filled, PartiallyFilledThenCancelled or StillPending — never a false success.

  Background:
    Given I am connected to the broker
    And AAPL trades at 212.40
    And I have a valid bull call spread for AAPL 210/215 expiring in 4 weeks

  Scenario: Cancelling a filled order is refused with its state
    Given I have placed a market order for 1 contract
    And the order is filled
    When I try to cancel the order
    Then the cancel should be refused because the order is Filled

  Scenario: A cancel that takes longer than the timeout reports still pending
    Given cancels take 8 seconds
    And I have placed a limit order for 1 contract at 0.05 debit
    When I cancel the order
    Then the cancel outcome should be StillPending
    And the order status should be PendingCancel
    When 5 seconds pass
    Then the order status should be Cancelled

  Scenario: A fill racing the cancel wins
    Given a fill will land while a cancel is pending
    And I have placed a limit order for 1 contract at 0.05 debit
    When I cancel the order
    Then the cancel outcome should be Filled

  Scenario: A partially filled order that is cancelled keeps its fills
    Given only 1 contract will fill
    And I have placed a limit order for 3 contracts at the natural price
    And the order has filled 1 contract
    When I cancel the order
    Then the cancel outcome should be PartiallyFilledThenCancelled
    And the order should show 1 filled and 2 remaining

  Scenario: Cancelling an unknown order is a clear not-found
    When I try to cancel order 999999
    Then I should be told "no order with id 999999 is known"

  Scenario: Cancel all cancels every open order
    Given I have placed a limit order for 1 contract at 0.05 debit
    And I have placed a limit order for 2 contracts at 0.10 debit
    When I cancel all orders
    Then no order should be open

  Scenario: Waiting for a cancel does not block other operations
    Given cancels take 3 seconds
    And I have placed a limit order for 1 contract at 0.05 debit
    When I cancel the order and meanwhile place a limit order for 1 contract at 0.10 debit
    Then both should complete, the second order being Submitted
