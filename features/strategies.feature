Feature: Every strategy family trades as an IB combo
  Leg actions come from the strategy; the order action carries the direction.

  Background:
    Given I am connected to the broker
    And AAPL trades at 212.40

  Scenario Outline: A <strategy> market order fills with its legs
    Given I have a valid <strategy> spread for AAPL <strikes> expiring in 4 weeks
    When I place a market order for 1 contract
    Then the order should be filled at market price
    And the order should have <legs> legs with actions <actions>
    And every leg should have been executed

    Examples:
      | strategy       | strikes         | legs | actions              |
      | bull-call      | 210/215         | 2    | BUY,SELL             |
      | bear-put       | 205/210         | 2    | SELL,BUY             |
      | bear-call      | 215/220         | 2    | SELL,BUY             |
      | bull-put       | 205/210         | 2    | BUY,SELL             |
      | straddle       | 210             | 2    | BUY,BUY              |
      | strangle       | 200/225         | 2    | BUY,BUY              |
      | iron-condor    | 195/200/225/230 | 4    | BUY,SELL,SELL,BUY    |
      | iron-butterfly | 200/210/220     | 4    | BUY,SELL,SELL,BUY    |
      | butterfly      | 205/210/215     | 3    | BUY,SELL,BUY         |

  Scenario: A calendar sells the front month and buys the back month
    Given I have a valid calendar spread for AAPL 210 expiring in 1 week and 5 weeks
    When I place a market order for 1 contract
    Then the order should be filled at market price
    And the order should have 2 legs with actions SELL,BUY

  Scenario: A custom ratio combo keeps its ratios
    Given I have a custom combo on AAPL expiring in 4 weeks with legs "BUY 1 C 210, SELL 2 C 220"
    When I place a market order for 1 contract
    Then the order should be filled at market price
    And the leg ratios should be 1,2
