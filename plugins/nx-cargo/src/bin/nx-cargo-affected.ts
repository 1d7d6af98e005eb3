#!/usr/bin/env node
import { runAffected } from '../affected/cli.js';
import { runBin } from '../cli/run-bin.js';

runBin('nx-cargo-affected', runAffected);
