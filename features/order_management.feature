Feature: Order management — the guide's four scenarios, done right
  As a trader
  I want to place, monitor, and cancel option spread orders
  So that I can execute my trading strategy effectively

  Background:
    Given I am connected to the broker
    And AAPL trades at 212.40
    And I have a valid bull call spread for AAPL 210/215 expiring in 4 weeks

  Scenario: Place a limit order for a bull call spread
    When I place a limit order for 1 contract at 1.00 debit
    Then the order should be submitted successfully
    And the order status should be tracked

  Scenario: Place a market order for a bear put spread
    Given I have a valid bear put spread for AAPL 205/210 expiring in 4 weeks
    When I place a market order for 2 contracts
    Then the order should be filled at market price
    And the order should show 2 filled and 0 remaining

  Scenario: Cancel an open order
    Given I have placed a limit order for 1 contract at 0.05 debit
    And the order is not yet filled
    When I cancel the order
    Then the order should be cancelled successfully

  Scenario: Handle order rejection
    Given the market is closed
    When I try to place a market order for 1 contract
    Then the order should be rejected with IB code 201
    And the rejection reason should mention "market is closed"
