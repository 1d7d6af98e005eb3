import type { CreateDependencies, CreateNodes } from '@nx/devkit';
import { createCargoDependencies } from './graph/create-dependencies.js';
import { CARGO_NODES_GLOB, createCargoNodes } from './graph/create-nodes.js';
import type { NxCargoPluginOptions } from './graph/options.js';

export type { NxCargoPluginOptions } from './graph/options.js';

export const createNodes: CreateNodes<NxCargoPluginOptions> = [CARGO_NODES_GLOB, createCargoNodes];

/** Nx 21 and 22 look for this name; 23 and later for `createNodes`. */
export const createNodesV2 = createNodes;

export const createDependencies: CreateDependencies<NxCargoPluginOptions> = (_options, context) => createCargoDependencies(context);
