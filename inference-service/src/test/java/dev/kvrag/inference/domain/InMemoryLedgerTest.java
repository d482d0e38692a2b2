package dev.kvrag.inference.domain;

import java.time.Duration;

/** The worker's unit tests' ledger keeps the ledger's rules, on a clock the test moves. */
class InMemoryLedgerTest extends RequestLedgerContract {

    private final InMemoryPorts.Ledger ledger = new InMemoryPorts.Ledger();

    @Override
    protected RequestLedger ledger() {
        return ledger;
    }

    @Override
    protected void pass(Duration time) {
        ledger.pass(time);
    }
}
