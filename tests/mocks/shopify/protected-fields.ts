/**
 * Margin Notes computes margins from orders, products and costs; it never needs to
 * know who bought something. Reading protected customer data would require
 * Shopify's protected-data review and would make the app a store of personal data
 * (GDPR requests, breach scope). This checker proves, statically, that no GraphQL
 * document the app sends selects such data.
 *
 * It is deliberately broad: a false positive costs a rename or a conversation,
 * a miss costs a privacy incident.
 */
import {
  getNamedType,
  isAbstractType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";

/** What counts as protected, and why each entry is here. */
export const PROTECTED_CUSTOMER_DATA = {
  /**
   * Types that describe an identifiable person. Selecting any field that returns
   * one (or an interface/union made only of them), or a fragment on one, is flagged,
   * whatever is selected inside: even `customer { id }` links orders to a person.
   */
  types: {
    Customer: "the buyer: name, email, phone, addresses, order history",
    CustomerEmailAddress: "a buyer's email address and its marketing state",
    CustomerPhoneNumber: "a buyer's phone number",
    CustomerJourney: "a buyer's visits, referrers and landing pages (browsing history)",
    CustomerJourneySummary: "a buyer's visits, referrers and landing pages (browsing history)",
    CustomerVisit: "one visit of a buyer: landing page, referrer, UTM parameters",
    CustomerSegmentMember: "a buyer as a segment member: name, email, phone, address",
    CustomerMergePreview: "two buyers' merged identities",
    CustomerPaymentMethod: "a buyer's saved payment method and its owner",
    CustomerCreditCard: "a buyer's card: cardholder name, last digits, billing address",
    CustomerCreditCardBillingAddress: "a cardholder's name and address",
    CustomerPaymentInstrumentBillingAddress: "a payment instrument holder's address",
    CustomerPaypalBillingAgreement: "a buyer's PayPal agreement and billing address",
    CustomerShopPayAgreement: "a buyer's Shop Pay agreement and billing address",
    BankAccount: "a buyer's bank account and billing address",
    MailingAddress: "a postal address with recipient name and phone (shipping, billing, customer addresses)",
    CompanyContact: "a B2B buyer: the person behind a company order",
    CompanyAddress: "a B2B address with recipient name and phone",
    StaffMember: "store staff are people too: name, email, phone",
    StaffMemberPrivateData: "staff account details",
    AbandonedCheckout: "a specific buyer's unfinished checkout, with addresses and a recovery URL",
    Abandonment: "a specific buyer's abandoned cart/checkout and the emails sent to them",
    GiftCardRecipient: "the gift card recipient (a customer), their name and personal message",
    FulfillmentOrderDestination: "where an order ships: recipient name, address, email, phone",
    ShopPayPaymentRequestContactField: "Shop Pay buyer contact details",
    FinancialKycShopOwner: "the merchant's identity-verification data",
    CommentAuthor: "a blog commenter's name and email",
  },

  /** Field names flagged on every type: each is personal data wherever it appears. */
  fields: {
    email: "an email address (Order.email is the buyer's; Shop.email the owner's)",
    contactEmail: "Shop.contactEmail: a person's address, and the app has no use for it",
    phone: "a phone number (Order, ShippingLine, addresses, ...)",
    clientIp: "the buyer's IP address (Order.clientIp)",
    browserIp: "the REST/webhook name of the buyer's IP; listed so a copied query cannot slip it in",
    shippingAddress: "the buyer's name and postal address",
    billingAddress: "the buyer's (or owner's) name and postal address",
    customer: "links a record to an identifiable buyer",
    customerJourney: "the buyer's browsing history",
    customerJourneySummary: "the buyer's browsing history",
    statusPageUrl: "a bearer URL that shows the order, addresses included, to anyone holding it",
    checkoutToken: "identifies the buyer's checkout session",
    cartToken: "identifies the buyer's cart session",
    landingPageUrl: "URLs the buyer visited; query strings can carry emails and tokens",
    referrerUrl: "URLs the buyer came from; query strings can carry emails and tokens",
    note: "free text typed by buyers or staff (Order.note); it routinely holds names and addresses",
    customAttributes: "free-text attributes entered at checkout (gift messages, engraving names)",
    shopOwnerName: "the merchant's personal name",
  },

  /**
   * Person-name fields: flagged only on types that describe a person, because on
   * other types they are product data (ProductVariant.displayName) or order
   * labels (Order.name is "#1001").
   */
  personNameFields: {
    firstName: "a person's first name",
    lastName: "a person's last name",
    displayName: "a person's full name",
    name: "a person's full name",
  },
  /** Person-describing types beyond `types` (business addresses that still name people). */
  personTypes: {
    ShopAddress: "the shop's address, which names the owner",
  },
} as const;

const { types, fields, personNameFields, personTypes } = PROTECTED_CUSTOMER_DATA;

const has = (record: object, key: string): boolean => Object.prototype.hasOwnProperty.call(record, key);

/** A protected type, or an interface/union all of whose possible types are protected. */
function isProtectedType(schema: GraphQLSchema, type: GraphQLNamedType): boolean {
  if (has(types, type.name)) return true;
  if (!isAbstractType(type)) return false;
  const possible = schema.getPossibleTypes(type);
  return possible.length > 0 && possible.every((t) => has(types, t.name));
}

/**
 * Every place the document reaches protected customer data, as readable paths:
 * `Order.customer`, `... on Customer`, `fragment Buyer on Customer`. Each hit is
 * reported where the protected data is first reached; nothing below it is
 * reported again. Returns [] for a clean document.
 */
export function findProtectedSelections(document: DocumentNode, schema: GraphQLSchema): string[] {
  const found = new Set<string>();
  const typeInfo = new TypeInfo(schema);

  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const definition = typeInfo.getFieldDef();
        if (!parent || !definition) return undefined; // unknown field: validation reports it
        const name = node.name.value;
        const where = `${parent.name}.${name}`;
        const personType = has(types, parent.name) || has(personTypes, parent.name);
        if (
          isProtectedType(schema, getNamedType(definition.type)) ||
          has(fields, name) ||
          (personType && has(personNameFields, name))
        ) {
          found.add(where);
          return false; // already flagged; what is inside adds nothing
        }
        return undefined;
      },
      InlineFragment(node) {
        const type = typeInfo.getType();
        if (node.typeCondition && type && isProtectedType(schema, getNamedType(type))) {
          found.add(`... on ${node.typeCondition.name.value}`);
          return false;
        }
        return undefined;
      },
      FragmentDefinition(node) {
        const type = typeInfo.getType();
        if (type && isProtectedType(schema, getNamedType(type))) {
          found.add(`fragment ${node.name.value} on ${node.typeCondition.name.value}`);
          return false;
        }
        return undefined;
      },
    }),
  );
  return [...found];
}
