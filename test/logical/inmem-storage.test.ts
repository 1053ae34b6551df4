import { InmemStorage } from "../../src/logical/index.js";
import { storageContract } from "./storage.contract.js";

storageContract("in-memory", () => Promise.resolve(new InmemStorage()));
