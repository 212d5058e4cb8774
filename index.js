'use strict';

// n8n loads the files listed under "n8n" in package.json; this entry point
// lets other code require the classes directly.
module.exports = {
	Kuaidi100: require('./dist/nodes/Kuaidi100/Kuaidi100.node.js').Kuaidi100,
	Kuaidi100Trigger: require('./dist/nodes/Kuaidi100Trigger/Kuaidi100Trigger.node.js').Kuaidi100Trigger,
	Kuaidi100Api: require('./dist/credentials/Kuaidi100Api.credentials.js').Kuaidi100Api,
};
