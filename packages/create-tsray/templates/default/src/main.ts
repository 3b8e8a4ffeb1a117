// `npm start` compiles with tspc and runs this file with node.
import * as ray from "tsray";
import { square, Tally } from "./pipeline.js";

await ray.init(); // an embedded local cluster: no server to start

const squares = await ray.get([1, 2, 3, 4].map((n) => square.remote(n)));
console.log(`squares: ${squares.join(", ")}`); // squares: 1, 4, 9, 16

const tally = Tally.remote();
for (const value of squares) tally.add.remote(value);
console.log(`total: ${await ray.get(tally.total.remote())}`); // total: 30

await ray.shutdown();
