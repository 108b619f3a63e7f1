Feature: The put-spread seller, with the spreads step library
  Background:
    Given I am connected to the broker
    And AAPL trades at 212.40

  Scenario: The seller's order is a bull put that fills for a credit
    When the seller sells 1 put spread 5% below spot
    Then the order should be filled
    And the order should have 2 legs with actions BUY,SELL
    And the average fill price should be a credit

  Scenario: The market closes before the seller starts
    Given the market is closed
    When the seller tries to sell 1 put spread 5% below spot
    Then I should be told "market is closed"
