Feature: Modifying a working order

  Background:
    Given I am connected to the broker
    And AAPL trades at 212.40
    And I have a valid bull call spread for AAPL 210/215 expiring in 4 weeks

  Scenario: Raising the limit price of a resting order
    Given I have placed a limit order for 1 contract at 0.05 debit
    When I modify the order to a limit of 0.10 debit
    Then the order limit price should be 0.10 debit
    And the order status should be Submitted

  Scenario: Changing the quantity of a resting order
    Given I have placed a limit order for 2 contracts at 0.05 debit
    When I modify the order to a quantity of 5
    Then the order should show 0 filled and 5 remaining

  Scenario: A filled order cannot be modified
    Given I have placed a market order for 1 contract
    And the order is filled
    When I try to modify the order to a limit of 1.00 debit
    Then I should be told "only working orders can be modified"

  Scenario: A modify to a price off the tick grid is refused
    Given I have placed a limit order for 1 contract at 0.05 debit
    When I try to modify the order to a limit of 0.053 debit
    Then I should be told "is not a multiple of the minimum increment"
