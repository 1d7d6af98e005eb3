#!/usr/bin/env node
import { runAudit } from '../audit/cli.js';
import { runBin } from '../cli/run-bin.js';

runBin('nx-cargo-audit', runAudit);
