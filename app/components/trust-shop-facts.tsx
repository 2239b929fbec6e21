/** "Your store": the signed-in shop's own security facts on the in-app Security page. */
import { BlockStack, Card, List, Text } from "@shopify/polaris";

import type { ShopFacts } from "~/trust/trust-view";
import { FactTable } from "~/components/fact-table";

const utc = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

export function TrustShopFacts({ facts }: { facts: ShopFacts }) {
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingLg">Your store</Text>
        <List type="bullet">
          <List.Item>Access granted: {facts.scopes.length ? facts.scopes.join(", ") : "not recorded"}</List.Item>
          <List.Item>
            {facts.token
              ? `Access token sealed ${utc(facts.token.sealedAt)} with key "${facts.token.keyId}"${facts.token.expires ? `, expires ${utc(facts.token.expires)}` : ""}`
              : "No access token is stored for this store."}
          </List.Item>
          <List.Item>
            Audit trail: {facts.audit.events} events,{" "}
            {facts.audit.breaks === 0 ? "chain verified intact" : `${facts.audit.breaks} break(s) found in the chain`} at {utc(facts.audit.checkedAt)}
          </List.Item>
        </List>
        <Text as="h3" variant="headingMd">What Margin Notes holds for your store</Text>
        <FactTable headings={["Kind", "Rows"]} numeric={[1]} rows={facts.holdings.map((h) => [h.label, h.rows.toLocaleString("en-US")])} />
        <Text as="p">No customer records: the app never reads customers' names, emails, addresses or phone numbers.</Text>
        <Text as="h3" variant="headingMd">Recent lifecycle events</Text>
        {facts.lifecycle.length ? (
          <List type="bullet">
            {facts.lifecycle.map((e, i) => (
              <List.Item key={`${e.at}-${i}`}>{utc(e.at)}: {e.label}</List.Item>
            ))}
          </List>
        ) : (
          <Text as="p">None recorded.</Text>
        )}
      </BlockStack>
    </Card>
  );
}
