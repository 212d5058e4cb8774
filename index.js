'use strict';

// n8n loads the files listed under "n8n" in package.json and never requires
// this file, which is why package.json has no "main" and npm does not pack it.
// It lets scripts and tests in this repository require the built classes.
module.exports = {
	Kuaidi100: require('./dist/nodes/Kuaidi100/Kuaidi100.node.js').Kuaidi100,
	Kuaidi100Trigger: require('./dist/nodes/Kuaidi100Trigger/Kuaidi100Trigger.node.js').Kuaidi100Trigger,
	Kuaidi100Api: require('./dist/credentials/Kuaidi100Api.credentials.js').Kuaidi100Api,
};
