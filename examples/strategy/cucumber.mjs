export default { paths: ["features/**/*.feature"], import: ["features/support/**/*.ts"], strict: true }
