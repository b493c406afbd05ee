// Jest setup: adds the cdktf matchers (toHaveResource, toHaveResourceWithProperties, ...).
const { Testing } = require("cdktf");
Testing.setupJest();
