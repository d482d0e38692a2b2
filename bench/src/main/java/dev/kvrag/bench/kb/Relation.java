package dev.kvrag.bench.kb;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A fact's predicate: who it is about, what its value is, how a page states it and how a question
 * asks for it. Sentence templates: {S}/{s} the subject opening / inside a sentence, {P}/{p} its
 * possessive, {o} the value. Question templates: {x} the subject's phrase, or for a multi-hop
 * question a description of it through another fact ("the team that owns quarnel-store").
 * Every template of a relation states the same thing; they differ only in wording.
 */
public enum Relation {
  TEAM_CITY(EntityKind.TEAM, EntityKind.CITY, null,
      List.of("{S} is based in {o}.", "{P} main office is in {o}.", "{S} works out of the office in {o}.",
          "These days {s} sits in the {o} office."),
      List.of("In which city is {x} based?", "Where is {x} based?", "Which city is {x} based in?")),
  TEAM_FOUNDED(EntityKind.TEAM, null, null,
      List.of("{S} was founded in {o}.", "{S} was formed in {o}.", "{S} has existed since {o}.",
          "The company set up {s} in {o}."),
      List.of("In which year was {x} founded?", "When was {x} formed?", "In what year was {x} set up?")),
  TEAM_LEAD(EntityKind.TEAM, EntityKind.PERSON, "the lead of {a}",
      List.of("{S} is led by {o}.", "{o} leads {s}.", "{P} lead is {o}.", "{o} is the head of {s}."),
      List.of("Who leads {x}?", "Who is the lead of {x}?", "Who heads {x}?")),
  PERSON_TEAM(EntityKind.PERSON, EntityKind.TEAM, "the team that {a} works on",
      List.of("{S} works on the {o} team.", "{S} is a member of the {o} team.", "{S} is part of the {o} team."),
      List.of("Which team does {x} work on?", "Which team is {x} a member of?", "On which team does {x} work?")),
  PERSON_CITY(EntityKind.PERSON, EntityKind.CITY, null,
      List.of("{S} lives in {o}.", "{P} home is in {o}.", "{S} has a flat in {o}.",
          "These days {s} lives in {o}."),
      List.of("In which city does {x} live?", "Where does {x} live?", "Which city does {x} live in?")),
  PERSON_JOINED(EntityKind.PERSON, null, null,
      List.of("{S} joined the company in {o}.", "{S} has been with the company since {o}.",
          "{S} was hired in {o}."),
      List.of("In which year did {x} join the company?", "When was {x} hired?",
          "Since which year has {x} been with the company?")),
  SERVICE_OWNER(EntityKind.SERVICE, EntityKind.TEAM, "the team that owns {a}",
      List.of("{S} is owned by the {o} team.", "The {o} team owns {s}.", "{S} is maintained by the {o} team."),
      List.of("Which team owns {x}?", "Which team maintains {x}?", "Who owns {x}?")),
  SERVICE_VERSION(EntityKind.SERVICE, null, null,
      List.of("The current version of {s} is {o}.", "{S} is currently at version {o}.",
          "{P} latest release is version {o}."),
      List.of("What is the current version of {x}?", "Which version of {x} is current?",
          "What is the latest release of {x}?")),
  SERVICE_LAUNCHED(EntityKind.SERVICE, null, null,
      List.of("{S} was launched in {o}.", "{S} went live in {o}.", "{S} has been in production since {o}."),
      List.of("In which year was {x} launched?", "When did {x} go live?",
          "Since which year has {x} been in production?")),
  SERVICE_DEPENDS(EntityKind.SERVICE, EntityKind.SERVICE, "the service that {a} depends on",
      List.of("{S} depends on {o}.", "{S} relies on {o} for most requests.", "{S} calls {o} on every request."),
      List.of("Which service does {x} depend on?", "Which service does {x} rely on?",
          "What service does {x} call on every request?")),
  PROJECT_LEAD(EntityKind.PROJECT, EntityKind.PERSON, "the lead of {a}",
      List.of("{S} is led by {o}.", "{o} leads {s}.", "{o} is in charge of {s}."),
      List.of("Who leads {x}?", "Who is in charge of {x}?", "Who is the lead of {x}?")),
  PROJECT_TEAM(EntityKind.PROJECT, EntityKind.TEAM, "the team that runs {a}",
      List.of("{S} is run by the {o} team.", "The {o} team runs {s}.", "{S} belongs to the {o} team."),
      List.of("Which team runs {x}?", "Which team does {x} belong to?", "Who runs {x}?")),
  PROJECT_SERVICE(EntityKind.PROJECT, EntityKind.SERVICE, "the service that {a} uses",
      List.of("{S} is built on {o}.", "{S} uses {o}.", "{S} relies heavily on {o}."),
      List.of("Which service does {x} use?", "Which service is {x} built on?", "What service does {x} rely on?")),
  PROJECT_STARTED(EntityKind.PROJECT, null, null,
      List.of("{S} started in {o}.", "{S} was kicked off in {o}.", "Work on {s} began in {o}."),
      List.of("In which year did {x} start?", "When was {x} kicked off?", "In what year did work on {x} begin?"));

  private final EntityKind subject;
  private final EntityKind object;
  private final String description;
  private final List<String> sentences;
  private final List<String> questions;

  Relation(EntityKind subject, EntityKind object, String description, List<String> sentences,
           List<String> questions) {
    this.subject = subject;
    this.object = object;
    this.description = description;
    this.sentences = sentences;
    this.questions = questions;
  }

  public EntityKind subject() {
    return subject;
  }

  /** The kind of entity the value names, or null for a literal (a year, a version). */
  public EntityKind object() {
    return object;
  }

  public List<String> sentences() {
    return sentences;
  }

  public String question(SplittableRandom rng, String subjectPhrase) {
    return questions.get(rng.nextInt(questions.size())).replace("{x}", subjectPhrase);
  }

  /** Whether a multi-hop question can describe this fact's value through its subject. */
  public boolean describesObject() {
    return description != null;
  }

  /** The value described through the subject: "the team that owns quarnel-store". */
  public String describeObject(String subjectPhrase) {
    if (description == null) {
      throw new IllegalStateException(this + " does not describe its value");
    }
    return description.replace("{a}", subjectPhrase);
  }

  /**
   * Whether "second of (this of a)" reads as a question: the value of this relation must be the
   * subject of the second, and "Which service does the service that X depends on depend on?" is
   * not English.
   */
  public boolean composesWith(Relation second) {
    return describesObject() && object == second.subject && !(this == SERVICE_DEPENDS && second == SERVICE_DEPENDS);
  }
}
