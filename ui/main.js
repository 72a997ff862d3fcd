// The window's wiring: the real view, backend, storage and clock given to the
// controller (`controller.js`), started once the page is ready.
import * as backend from './backend.js';
import { createController } from './controller.js';
import { View } from './view.js';

const view = new View();
const controller = createController({ view, backend, storage: localStorage, now: Date.now, timers: window });
view.onReady(controller.start);
