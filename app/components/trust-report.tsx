/**
 * The trust report, shared by the public /trust page and the in-app Security page:
 * every section of the registry, each claim with how it works and the tests behind
 * it, and what this build's evidence says about them. Status always comes from the
 * loader (app/trust/trust-page.server.ts); nothing here decides that a claim passed.
 */
import { Badge, Banner, BlockStack, Box, Card, InlineStack, Link, List, Text } from "@shopify/polaris";

import type { ShopFacts, ShownStatus, TestStatus, TrustPageData } from "~/trust/trust-view";
import { FactTable } from "~/components/fact-table";

const STATUS: Record<ShownStatus, { label: string; tone?: "success" | "critical" | "warning" }> = {
  verified: { label: "Verified on this build", tone: "success" },
  failed: { label: "A test failed", tone: "critical" },
  missing: { label: "Test missing or not run", tone: "warning" },
  unverified: { label: "Not verified" },
};

const TEST_STATUS: Record<TestStatus, string> = {
  passed: "passed",
  failed: "FAILED",
  skipped: "not run (skipped)",
  "not found": "not found in the test report",
  unverified: "no evidence",
};

function EvidenceSummary({ evidence }: { evidence: TrustPageData["evidence"] }) {
  if (!evidence.available) {
    return (
      <Banner tone="warning" title="Evidence not available for this build">
        <p>{evidence.reason} The claims below are listed with the tests that prove them, but none is shown as verified.</p>
      </Banner>
    );
  }
  const when = new Date(evidence.generatedAt).toISOString().replace("T", " ").slice(0, 16);
  return (
    <Banner tone={evidence.totals.failed > 0 ? "critical" : "info"} title="Evidence for this build">
      <p>
        The tests ran on commit <code>{evidence.commit.slice(0, 12)}</code>, {when} UTC: {evidence.totals.tests} tests,{" "}
        {evidence.totals.passed} passed, {evidence.totals.failed} failed.
      </p>
    </Banner>
  );
}

function Disclosure({ data }: { data: TrustPageData }) {
  return (
    <Box paddingBlockEnd="200">
      {data.securityContact ? (
        <Text as="p">
          Report a vulnerability to <Link url={data.securityContact}>{data.securityContact.replace(/^mailto:/, "")}</Link>. We
          acknowledge reports, do not pursue good-faith research that respects merchants' data, and credit reporters who wish it.
          {data.securityTxtPath ? <> Machine-readable: <Link url={data.securityTxtPath}>security.txt</Link>.</> : null}
        </Text>
      ) : (
        <Text as="p">No security contact is configured for this deployment (SECURITY_CONTACT), so no security.txt is published.</Text>
      )}
    </Box>
  );
}

function DataAndSubprocessors({ data }: { data: TrustPageData["data"] }) {
  return (
    <section id="section-data" aria-labelledby="heading-data">
      <Card>
        <BlockStack gap="400">
          <Text as="h2" variant="headingLg" id="heading-data">Your data and who processes it</Text>
          <Text as="p">The same facts as a privacy policy: <Link url="/privacy" target="_blank">Privacy policy</Link>.</Text>
          <FactTable headings={["What Margin Notes stores", "Why", "How long"]} rows={data.stored.map((s) => [s.kind, s.why, s.kept])} />
          <Text as="h3" variant="headingMd">Never stored</Text>
          <List type="bullet">
            {data.neverStored.map((n) => <List.Item key={n}>{n}</List.Item>)}
          </List>
          <Text as="h3" variant="headingMd">Subprocessors for this deployment</Text>
          <List type="bullet">
            {data.subprocessors.map((p) => (
              <List.Item key={p.name}>
                <strong>{p.name}</strong> ({p.role}): {p.receives ?? "not used by this deployment; it receives nothing"}
              </List.Item>
            ))}
          </List>
          <Text as="h3" variant="headingMd">Operations</Text>
          {data.operations.map((note) => (
            <BlockStack key={note.id} gap="100">
              <Text as="h4" variant="headingSm" id={`operations-${note.id}`}>{note.title}</Text>
              <Text as="p">{note.text}</Text>
            </BlockStack>
          ))}
        </BlockStack>
      </Card>
    </section>
  );
}

/** In the app only: what the AI section's claims mean for the signed-in store right now. */
function ShopAi({ ai }: { ai: ShopFacts["ai"] }) {
  const text = !ai.enabled
    ? "For your store, AI is off: narratives are written by Margin Notes and nothing is sent to an AI provider."
    : ai.configured
      ? "For your store, AI is on: when a narrative is written, the report's totals are sent to Anthropic's Claude. The store owner can turn it off in Settings."
      : "For your store, AI is on, but this deployment has no AI provider configured: nothing is sent.";
  return (
    <Banner tone="info" title={ai.enabled ? "AI is on for your store" : "AI is off for your store"}>
      <p>{text} <Link url="/app/settings">Settings</Link></p>
    </Banner>
  );
}

export function TrustReport({ data, shopAi }: { data: TrustPageData; shopAi?: ShopFacts["ai"] }) {
  return (
    <BlockStack gap="500">
      <Text as="p">
        Each claim below names the code that keeps it and the automated tests that would fail without it. The status shows
        whether those tests passed for the build you are using.
      </Text>
      <EvidenceSummary evidence={data.evidence} />
      <nav aria-label="Sections">
        <List type="bullet">
          {data.sections.map((s) => (
            <List.Item key={s.id}>
              <Link url={`#section-${s.id}`}>{s.title}</Link>
            </List.Item>
          ))}
          <List.Item>
            <Link url="#section-data">Your data and who processes it</Link>
          </List.Item>
        </List>
      </nav>
      {data.sections.map((section) => (
        <section key={section.id} id={`section-${section.id}`} aria-labelledby={`heading-${section.id}`}>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingLg" id={`heading-${section.id}`}>{section.title}</Text>
              {section.id === "disclosure" ? <Disclosure data={data} /> : null}
              {section.id === "ai-data" && shopAi ? <ShopAi ai={shopAi} /> : null}
              {section.controls.map((control) => (
                <article key={control.id} id={control.id} aria-labelledby={`claim-${control.id}`}>
                  <BlockStack gap="200">
                    <InlineStack gap="200" blockAlign="center" wrap>
                      <Text as="h3" variant="headingMd" id={`claim-${control.id}`}>{control.claim}</Text>
                      <Badge tone={STATUS[control.status].tone}>{STATUS[control.status].label}</Badge>
                    </InlineStack>
                    <Text as="p">{control.how}</Text>
                    <Text as="h4" variant="headingSm">Tests</Text>
                    <List type="bullet">
                      {control.tests.map((test) => (
                        <List.Item key={`${test.file}::${test.name}`}>
                          <code>{test.file}</code>: {test.name} — <strong>{TEST_STATUS[test.status]}</strong>
                        </List.Item>
                      ))}
                    </List>
                  </BlockStack>
                </article>
              ))}
            </BlockStack>
          </Card>
        </section>
      ))}
      <DataAndSubprocessors data={data.data} />
    </BlockStack>
  );
}
