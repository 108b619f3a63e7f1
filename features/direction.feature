Feature: SHORT sells the spread as defined
  The guide flipped both legs and the order action for SHORT, which bought the spread back. Here the legs never change.

  Background:
    Given I am connected to the broker
    And AAPL trades at 212.40
    And I have a valid bull call spread for AAPL 210/215 expiring in 4 weeks

  Scenario: A SHORT bull call is a SELL of the same legs
    When I place a SHORT market order for 1 contract
    Then the order action should be SELL
    And the order should have 2 legs with actions BUY,SELL
    And the order should be filled at market price
    And the average fill price should be a credit

  Scenario: A LONG bull call is a BUY paid as a debit
    When I place a market order for 1 contract
    Then the order action should be BUY
    And the average fill price should be a debit
