Feature: Partial fills and fill timing in virtual time

  Background:
    Given I am connected to the broker
    And AAPL trades at 212.40
    And I have a valid bull call spread for AAPL 210/215 expiring in 4 weeks

  Scenario: A large market order fills in parts by displayed size
    Given fills are partial, 3 contracts at a time
    When I place a market order for 10 contracts
    Then the order should have been partially filled at least twice
    And the order should show 10 filled and 0 remaining
    And the average fill price should be exact over all fills

  Scenario: A marketable limit order fills at once
    When I place a limit order for 1 contract at the natural price
    Then the order should be filled

  Scenario: A limit order far from the market rests
    When I place a limit order for 1 contract at 0.05 debit
    And 10 seconds pass
    Then the order status should be Submitted
    And the order should show 0 filled and 1 remaining

  Scenario: A resting order fills when the market comes to it
    Given I have placed a limit order for 1 contract at 0.50 debit
    And the order is not yet filled
    When AAPL trades at 180
    And 5 seconds pass
    Then the order should be filled

  Scenario: A fill that arrives before the acknowledgement is kept
    Given executions arrive before acknowledgements
    When I place a market order for 1 contract
    Then the order should be filled
    And the order should show 1 filled and 0 remaining
