Feature: Real-world broker behaviour is absorbed

  Background:
    Given I am connected to the broker
    And AAPL trades at 212.40
    And I have a valid bull call spread for AAPL 210/215 expiring in 4 weeks

  Scenario: Duplicate status events change nothing
    Given the broker sends every status twice
    When I place a market order for 1 contract
    Then the order should be filled
    And the order should show 1 filled and 0 remaining

  Scenario: Out-of-order events never move an order backwards
    Given the broker sends events out of order
    When I place a market order for 1 contract
    Then the order should be filled

  Scenario: A lost acknowledgement still ends in a fill
    Given the broker drops acknowledgements
    When I place a market order for 1 contract
    Then the order should be filled

  Scenario: Placing while disconnected is refused and nothing is sent
    Given the broker is disconnected
    When I try to place a market order for 1 contract
    Then I should be told "not connected to the broker"
    And no order should have been sent

  Scenario: The same orderRef is never placed twice
    When I place a limit order for 1 contract at 0.05 debit with reference "my-ref-1"
    And I place a limit order for 1 contract at 0.05 debit with reference "my-ref-1"
    Then exactly one order should exist with reference "my-ref-1"

  Scenario: Watching an order streams each change until it is final
    When I place a market order for 1 contract and watch it
    Then the watched statuses should end with Filled
    And the watched statuses should include Submitted
