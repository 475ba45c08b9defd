#!/usr/bin/env node
// The `thaw` executable.
import { main } from './thaw.ts';

process.exitCode = await main(process.argv.slice(2));
