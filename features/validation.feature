Feature: Bad input and risk limits are refused before anything is sent

  Background:
    Given I am connected to the broker
    And AAPL trades at 212.40
    And I have a valid bull call spread for AAPL 210/215 expiring in 4 weeks

  Scenario: Zero contracts
    When I try to place a market order for 0 contracts
    Then I should be told "quantity: expected a positive whole number of contracts"
    And no order should have been sent

  Scenario: A limit order without a price
    When I try to place a limit order for 1 contract without a price
    Then I should be told "a LIMIT order needs a net price"

  Scenario: A price off the tick grid
    When I try to place a limit order for 1 contract at 1.005 debit
    Then I should be told "is not a multiple of the minimum increment 0.01"

  Scenario: Strikes in the wrong order
    When I try to build a bull-call spread for AAPL 215/210 expiring in 4 weeks
    Then I should be told "strikes must go from low to high"

  Scenario: An expiry in the past
    When I try to build a bull-call spread for AAPL 210/215 expiring on 2020-01-17
    Then I should be told "is in the past"

  Scenario: An unknown underlying cannot be qualified
    Given I have a valid bull call spread for ZZZZ 10/15 expiring in 4 weeks
    When I try to place a market order for 1 contract
    Then I should be told "No security definition"

  Scenario: Too many contracts for the risk limit
    Given the risk limit is 5 contracts per order
    When I try to place a market order for 6 contracts
    Then I should be told "over the limit of 5 per order"

  Scenario: Too much possible loss for the risk limit
    Given the risk limit is a max loss of $100 per order
    When I try to place a limit order for 1 contract at 2.00 debit
    Then I should be told "max loss of $200.00 is over the limit of $100.00"

  Scenario: Not enough buying power
    Given the buying power is $300
    And I have placed a limit order for 1 contract at 0.05 debit
    When I try to place a limit order for 1 contract at 2.99 debit
    Then I should be told "buying power"

  Scenario: Too many open orders
    Given the risk limit is 2 open orders
    And I have placed a limit order for 1 contract at 0.05 debit
    And I have placed a limit order for 1 contract at 0.05 debit
    When I try to place a limit order for 1 contract at 0.05 debit
    Then I should be told "the limit is 2"
