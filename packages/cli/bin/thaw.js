#!/usr/bin/env node
// The `thaw` executable. A plain file outside dist/ so that npm links it at install time, before
// the package is built in a workspace; the command itself is dist/main.js.
import '../dist/main.js';
