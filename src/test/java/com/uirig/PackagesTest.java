package com.uirig;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The packages form layers: model below everything; ssh and facts (what a host has) below plan
 * (what to change); apply, expect and render above plan; cli on top. A back import fails here.
 */
@AnalyzeClasses(packages = "com.uirig", importOptions = ImportOption.DoNotIncludeTests.class)
class PackagesTest {
    @ArchTest
    static final ArchRule packagesHaveNoCycles = slices().matching("com.uirig.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule factsKnowNothingOfResourcesOrChanges = noClasses().that().resideInAPackage("com.uirig.facts..")
            .should().dependOnClassesThat().resideInAnyPackage("com.uirig.plan..", "com.uirig.render..", "com.uirig.apply..",
                    "com.uirig.expect..", "com.uirig.cli..", "com.uirig.config..");

    @ArchTest
    static final ArchRule theModelDependsOnNoOtherPackage = noClasses().that().resideInAPackage("com.uirig.model..")
            .should().dependOnClassesThat().resideInAnyPackage("com.uirig.config..", "com.uirig.facts..", "com.uirig.plan..",
                    "com.uirig.apply..", "com.uirig.render..", "com.uirig.expect..", "com.uirig.ssh..", "com.uirig.cli..");
}
