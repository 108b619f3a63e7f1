// Cucumber configuration: features run on the in-process simulator by default; SPREADS_BROKER=ib runs the same
// features against the live IB adapter talking to the TWS simulator over loopback.
export default {
  paths: ["features/**/*.feature"],
  import: ["features/support/**/*.ts", "features/step_definitions/**/*.ts"],
  format: ["progress"],
  strict: true
}
