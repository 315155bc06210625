/** Run in a child process by the backend test: select the TensorFlow.js backend (argv[2]: preference;
 * argv[3] = 'break-wasm' points the wasm backend at a directory without its binary), compute one sum on
 * it, and print the outcome as JSON. */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadTf, selectBackend, type BackendPreference } from '../../models/neural/backend.js';

if (process.argv[3] === 'break-wasm') setWasmPaths('/nonexistent-tiller-wasm/');
const listeners = () => process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length;
const before = listeners();
const choice = await selectBackend((process.argv[2] ?? 'auto') as BackendPreference);
const tf = await loadTf();
const sum = (await tf.tensor1d([1, 2, 3.5]).sum().data())[0];
process.stdout.write(`${JSON.stringify({ ...choice, active: tf.getBackend(), sum, addedListeners: listeners() - before })}\n`);
