// The CommonJS entry of @tsray/transformer (package.json "main" and "exports" → "require"):
// tsserver require()s a plugin and calls what it gets as the plugin factory (it does not look at
// `.default`), and ts-patch takes a module that is a function as its default export. So this
// module *is* the plugin function (dist/plugin-module.js), with the named exports as properties.
"use strict";
const entry = require("./dist/index.js");
module.exports = Object.assign(entry.default, entry);
