import type { NodeTypes } from '@xyflow/react';
import { GroupNode } from './group-node.js';
import { HttpNode } from './http-node.js';
import { IfNode } from './if-node.js';
import { InvalidNode } from './invalid-node.js';
import { StartNode } from './start-node.js';
import { ThinkNode } from './think-node.js';

/** One component per node type planToGraph gives (defined once, outside components, as React Flow asks). */
export const planNodeTypes: NodeTypes = { start: StartNode, http: HttpNode, think: ThinkNode, if: IfNode, group: GroupNode, invalid: InvalidNode };
